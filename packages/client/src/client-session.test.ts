import { describe, expect, it, vi } from 'vitest';
import { createUserClient } from './user-client';
import type { ClientSession } from './client-session';

const user = { id: 1 };

/** A fake API: `/users/me` answers 401 unless the bearer is the current access token; refresh mints the next. */
function fakeApi(options: { refreshFails?: boolean } = {}) {
  let current = 'access-0';
  let generation = 0;
  const refreshBodies: unknown[] = [];
  const seen: { path: string; headers: Headers; credentials: RequestInit['credentials'] }[] = [];
  let releaseRefresh!: () => void;
  const refreshGate = new Promise<void>((resolve) => (releaseRefresh = resolve));
  const fetchFn = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    seen.push({ path, headers: request.headers, credentials: init?.credentials ?? request.credentials });
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
    if (path === '/api/auth/refresh') {
      refreshBodies.push(await request.json());
      await refreshGate;
      if (options.refreshFails) return json(401, { type: 'about:blank', title: 'Unauthenticated', status: 401, code: 'UNAUTHENTICATED', detail: 'ended' });
      generation++;
      current = `access-${generation}`;
      return json(200, { access_token: current, token_type: 'Bearer', expires_in: 900, refresh_token: `refresh-${generation}`, user });
    }
    if (path === '/api/auth/logout') return new Response(null, { status: 204 });
    if (request.headers.get('authorization') !== `Bearer ${current}`) {
      return json(401, { type: 'about:blank', title: 'Unauthenticated', status: 401, code: 'UNAUTHENTICATED', detail: 'expired' });
    }
    return json(200, { ...user, path });
  });
  return { fetchFn, refreshBodies, seen, releaseRefresh, get generation() { return generation; } };
}

const stale: ClientSession = { accessToken: 'stale', refreshToken: 'refresh-0', expiresAt: 0 };

describe('client sessions', () => {
  it('concurrent 401s share one refresh; each call is retried once with the new token; the app hears of the new session', async () => {
    const api = fakeApi();
    const changes: (ClientSession | null)[] = [];
    const client = createUserClient({ baseUrl: 'http://localhost/api', fetch: api.fetchFn, retries: 0, session: { mode: 'bearer', initial: stale, onSessionChange: (s) => changes.push(s) } });
    const calls = [client.me(), client.me(), client.me()];
    await vi.waitFor(() => expect(api.refreshBodies).toHaveLength(1));
    api.releaseRefresh();
    const results = await Promise.all(calls);
    expect(results).toHaveLength(3);
    expect(api.generation).toBe(1);
    expect(api.refreshBodies).toEqual([{ refresh_token: 'refresh-0' }]);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
    expect(client.session?.accessToken).toBe('access-1');
  });

  it('a failed refresh ends the session (onSessionChange(null)) and the call fails with the 401, retried never', async () => {
    const api = fakeApi({ refreshFails: true });
    api.releaseRefresh();
    const changes: (ClientSession | null)[] = [];
    const onUnauthenticated = vi.fn();
    const client = createUserClient({ baseUrl: 'http://localhost/api', fetch: api.fetchFn, retries: 0, onUnauthenticated, session: { mode: 'bearer', initial: stale, onSessionChange: (s) => changes.push(s) } });
    await expect(client.me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(changes).toEqual([null]);
    expect(onUnauthenticated).toHaveBeenCalledOnce();
    expect(api.seen.filter((s) => s.path === '/api/users/me')).toHaveLength(1);
  });

  it('cookie mode: credentials included, the CSRF header on every call, an empty refresh body; logout ends the session', async () => {
    const api = fakeApi();
    api.releaseRefresh();
    const changes: (ClientSession | null)[] = [];
    const client = createUserClient({ baseUrl: 'http://localhost/api', fetch: api.fetchFn, retries: 0, session: { mode: 'cookie', onSessionChange: (s) => changes.push(s) } });
    await client.me();
    expect(api.refreshBodies).toEqual([{}]);
    expect(api.seen.every((s) => s.headers.get('x-userkit-csrf') === '1')).toBe(true);
    expect(api.seen.every((s) => s.credentials === 'include')).toBe(true);
    expect(changes.at(-1)).toMatchObject({ accessToken: 'access-1', refreshToken: undefined });
    await client.logout();
    expect(changes.at(-1)).toBeNull();
    expect(client.session).toBeNull();
  });
});
