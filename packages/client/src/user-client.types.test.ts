import type { ListUsersQueryInput, User } from '@userkit/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createUserClient, type RouteInput, type RouteOutput } from './index';

describe('client types come from core', () => {
  const client = createUserClient({ baseUrl: 'https://api.example.com' });

  it('returns core types', () => {
    expectTypeOf<RouteOutput<'me'>>().toEqualTypeOf<User>();
    expectTypeOf<RouteOutput<'getUser'>>().toEqualTypeOf<User>();
    expectTypeOf<RouteOutput<'deleteUser'>>().toEqualTypeOf<void>();
    expectTypeOf<RouteOutput<'register'>>().toEqualTypeOf<{ user: User }>();
    expectTypeOf<RouteOutput<'listUsers'>>().toEqualTypeOf<{ items: User[]; next_cursor: string | null; total: number; total_capped: boolean }>();
    expectTypeOf(client.me).returns.resolves.toEqualTypeOf<User>();
    expectTypeOf(client.login).returns.resolves.toHaveProperty('access_token').toEqualTypeOf<string>();
  });

  it('takes path params, query, body and ifMatch as the contract says', () => {
    expectTypeOf<RouteInput<'getUser'>>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<RouteInput<'listUsers'>>().toEqualTypeOf<{ query?: ListUsersQueryInput }>();
    expectTypeOf<RouteInput<'updateUser'>>().toHaveProperty('ifMatch');
    expectTypeOf<RouteInput<'login'>['body']>().toEqualTypeOf<{ email: string; password: string }>();
    // Type-level only: never called.
    const _typeChecks = () => {
      // @ts-expect-error a body field that does not exist
      void client.login({ body: { email: 'a@b.co', password: 'x', admin: true } });
      // @ts-expect-error the id is required
      void client.getUser({});
      // An upload route takes a file and one of its declared media types, not a JSON body.
      void client.importUsers({ body: 'email\r\na@b.co\r\n', contentType: 'text/csv', query: { dry_run: true } });
      void client.importUsers({ body: new Blob([''], { type: 'application/x-ndjson' }) });
      // @ts-expect-error text needs its content type
      void client.importUsers({ body: 'email\r\na@b.co\r\n' });
      // @ts-expect-error JSON is not an upload media type of the route
      void client.importUsers({ body: '[]', contentType: 'application/json' });
    };
    expectTypeOf(_typeChecks).toBeFunction();
  });
});
