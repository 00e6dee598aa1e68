/**
 * The handler's Fetch face and what routes declare: the target loaded with the caller, one rule
 * for path ids. The HTTP behaviour of every route is covered over real servers in test/http.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Authenticator } from './authenticator';
import { JwtTokens } from './jwt-tokens';
import { MemoryMailer } from './mailer';
import { MemoryUserRepository } from './memory-user-repository';
import type { PasswordHasher } from './password-hasher';
import { createUserkitHandler, type UserkitHandlerOptions } from './request-handler';
import { UserService } from './user-service';
import type { UserRecord } from './user-record';

const hasher: PasswordHasher = { hash: async (p) => `plain$${p}`, verify: async (p, h) => h === `plain$${p}`, needsRehash: () => false };

let repository: MemoryUserRepository;
let service: UserService;
let tokens: JwtTokens;

beforeEach(() => {
  repository = new MemoryUserRepository();
  service = new UserService({ repository, mailer: new MemoryMailer(), hasher });
  tokens = new JwtTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256-0123' });
});

const handlerWith = (options: Partial<UserkitHandlerOptions> = {}) => createUserkitHandler({ service, tokens, onError: () => {}, ...options });

async function seed(overrides: Partial<UserRecord> = {}): Promise<{ user: UserRecord; token: string }> {
  const now = new Date();
  const user = await repository.insert({
    email: `u${Math.random().toString(36).slice(2, 10)}@example.com`,
    password_hash: 'plain$x',
    user_type: 'customer',
    status: 'active',
    email_verified: true,
    created_at: now,
    updated_at: now,
    ...overrides,
  });
  return { user, token: (await tokens.issue(user)).access_token };
}

const get = (path: string, token?: string) => new Request(`http://localhost${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('handler.fetch', () => {
  it('answers a fetch Request with a Response: JSON, problem+json, HEAD without a body, streamed exports', async () => {
    const handler = handlerWith();
    const health = await handler.fetch(get('/api/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const unauthenticated = await handler.fetch(get('/api/users/me'));
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const head = await handler.fetch(new Request('http://localhost/api/health', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const admin = await seed({ user_type: 'admin' });
    const csv = await handler.fetch(get('/api/users/export?format=csv', admin.token));
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\n')[0]).toContain('email');
  });

  it('reads a JSON body and an upload from the Request', async () => {
    const handler = handlerWith();
    const admin = await seed({ user_type: 'admin' });
    const created = await handler.fetch(
      new Request('http://localhost/api/users', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'fetched@example.com', password: 'a sturdy passphrase' }),
      }),
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/^\/api\/users\/\d+$/);
    const imported = await handler.fetch(
      new Request('http://localhost/api/users/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
        body: 'email,password\r\nimported@example.com,a sturdy passphrase\r\n',
      }),
    );
    expect(await imported.json()).toMatchObject({ created: 1, errors: [] });
  });

  it('outside the API: 404 problem+json, or whatever `next` answers (middleware)', async () => {
    const handler = handlerWith();
    const outside = await handler.fetch(get('/elsewhere'));
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await handler.fetch(get('/elsewhere'), { next: () => 'passed on' })).toBe('passed on');
    expect(await handler.fetch(get('/elsewhere'), { next: async () => undefined })).toBeUndefined();
    // The api. host serves the API at the root (the host comes from the absolute URL).
    expect((await handler.fetch(new Request('https://api.example.com/health'), { next: () => 'passed on' })) instanceof Response).toBe(true);
  });
});

describe('what routes declare', () => {
  it('GET /users/:id loads the caller and the target in one query with the built-in authenticator', async () => {
    const admin = await seed({ user_type: 'admin' });
    const customer = await seed();
    const handler = handlerWith();
    const byIds = vi.spyOn(repository, 'findByIds');
    const byId = vi.spyOn(repository, 'findById');
    const res = await handler.fetch(get(`/api/users/${customer.user.id}`, admin.token));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: number }).id).toBe(customer.user.id);
    expect(byIds).toHaveBeenCalledTimes(1);
    expect(byIds).toHaveBeenCalledWith([admin.user.id, customer.user.id]);
    expect(byId).not.toHaveBeenCalled();
    // The same rule reads every id: a leading zero is the same user, and still one query.
    expect((await handler.fetch(get(`/api/users/0${customer.user.id}`, admin.token))).status).toBe(200);
    expect(byIds).toHaveBeenCalledTimes(2);
    expect(byId).not.toHaveBeenCalled();
  });

  it('a custom authenticator without authenticateWith: the operation loads the target itself', async () => {
    const admin = await seed({ user_type: 'admin' });
    const customer = await seed();
    const authenticator: Authenticator = { authenticate: async () => admin.user };
    const byId = vi.spyOn(repository, 'findById');
    const res = await handlerWith({ authenticator }).fetch(get(`/api/users/${customer.user.id}`));
    expect(res.status).toBe(200);
    expect(byId).toHaveBeenCalledWith(customer.user.id, expect.anything());
  });

  it('an invalid id: 401 without a token (access first), 400 naming the id with one, no lookup of it', async () => {
    const admin = await seed({ user_type: 'admin' });
    const handler = handlerWith();
    expect((await handler.fetch(get('/api/users/abc'))).status).toBe(401);
    const byIds = vi.spyOn(repository, 'findByIds');
    for (const id of ['abc', '0', '1e3', '2147483648', '0x10']) {
      const res = await handler.fetch(get(`/api/users/${id}`, admin.token));
      expect(res.status, id).toBe(400);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path), id).toEqual(['id']);
    }
    expect(byIds).not.toHaveBeenCalled();
  });
});
