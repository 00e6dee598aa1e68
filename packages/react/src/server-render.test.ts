/**
 * Safe during server rendering: the package imports in plain Node (no window, no document) and its
 * hooks render with react-dom/server. The session reads as `loading` there (the server cannot see a
 * token kept in the browser), and no request is made.
 */
import { createUserClient } from '@userkit/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

describe('server rendering', () => {
  it('imports without a window or document', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const module = await import('./index');
    expect(typeof module.useUsers).toBe('function');
  });

  it('renders hooks to a string without a request', async () => {
    const { UserkitProvider, createBearerSession, useCurrentUser, useSession, useUsers } = await import('./index');
    const requests: string[] = [];
    const session = createBearerSession();
    const client = createUserClient({
      baseUrl: 'https://api.example.test',
      ...session.clientOptions,
      fetch: async (input) => {
        requests.push(String(input instanceof Request ? input.url : input));
        return new Response('{}', { status: 500 });
      },
    });
    function Page() {
      const { status } = useSession();
      const me = useCurrentUser();
      const list = useUsers({ q: 'ada' });
      return createElement('p', null, `${status} ${me.status} ${list.status}`);
    }
    const html = renderToString(
      createElement(QueryClientProvider, { client: new QueryClient() }, createElement(UserkitProvider, { client, session }, createElement(Page))),
    );
    expect(html).toBe('<p>loading pending pending</p>');
    expect(requests).toEqual([]);
  });
});
