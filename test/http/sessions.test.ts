/**
 * Sessions and password reset over HTTP (docs/sessions.md), on both adapters and every store:
 * refresh rotation and reuse detection, logout of one session or all, session lists, the admin
 * routes, password reset, and access tokens of ended sessions refused at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapters, describeEachTarget, startHarness, storeTargets, type HttpHarness, type HttpResponse } from './harness';
import { expectProblem, seedAs } from './support';

interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: { id: number };
}
interface SessionItem {
  id: string;
  current: boolean;
  user_agent: string | null;
  ip: string | null;
}

describeEachTarget('sessions', ({ h, startEach }) => {
  startEach();

  const login = (email: string, password: string, userAgent = 'vitest') =>
    h.request<Tokens>('POST', '/api/auth/login', { body: { email, password }, headers: { 'user-agent': userAgent } });
  const refresh = (refreshToken: string) => h.request<Tokens>('POST', '/api/auth/refresh', { body: { refresh_token: refreshToken } });
  const me = (token: string) => h.request('GET', '/api/users/me', { token });

  it('login answers a short-lived access token and a refresh token; refresh rotates; a rotated token’s reuse ends the family', async () => {
    const { user, password } = await seedAs(h, 'customer');
    const first = await login(user.email, password);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { id: user.id } });
    expect(first.json.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const second = await refresh(first.json.refresh_token);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { id: user.id } });
    expect(second.json.refresh_token).not.toBe(first.json.refresh_token);
    expect((await me(second.json.access_token)).status).toBe(200);
    // The earlier access token of the same session stays valid until it expires…
    expect((await me(first.json.access_token)).status).toBe(200);

    // …until the rotated refresh token is replayed: the whole session ends, at once.
    expectProblem(await refresh(first.json.refresh_token), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh(second.json.refresh_token), 401, 'UNAUTHENTICATED');
    expectProblem(await me(second.json.access_token), 401, 'UNAUTHENTICATED');
    expectProblem(await me(first.json.access_token), 401, 'UNAUTHENTICATED');
  });

  it('logout ends this session only; logout-all ends every one; an ended session’s access token is refused at once, cached or not', async () => {
    const { user, password } = await seedAs(h, 'customer');
    const a = await login(user.email, password, 'browser A');
    const b = await login(user.email, password, 'browser B');
    const c = await login(user.email, password, 'browser C');
    // Seen once: the token is now in the verified-token cache.
    expect((await me(a.json.access_token)).status).toBe(200);

    const list = await h.request<{ items: SessionItem[] }>('GET', '/api/users/me/sessions', { token: a.json.access_token });
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(3);
    expect(list.json.items.filter((s) => s.current).map((s) => s.user_agent)).toEqual(['browser A']);
    expect(list.json.items.every((s) => s.ip === '127.0.0.1')).toBe(true);
    expect(list.text).not.toContain(a.json.refresh_token);

    expect((await h.request('POST', '/api/auth/logout', { token: a.json.access_token })).status).toBe(204);
    expectProblem(await me(a.json.access_token), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh(a.json.refresh_token), 401, 'UNAUTHENTICATED');
    expect((await me(b.json.access_token)).status).toBe(200);
    expect((await refresh(b.json.refresh_token)).status).toBe(200);

    // Ending another of one's own sessions by id.
    const bList = await h.request<{ items: SessionItem[] }>('GET', '/api/users/me/sessions', { token: b.json.access_token });
    const cId = bList.json.items.find((s) => s.user_agent === 'browser C')!.id;
    expect((await h.request('DELETE', `/api/users/me/sessions/${cId}`, { token: b.json.access_token })).status).toBe(204);
    expectProblem(await me(c.json.access_token), 401, 'UNAUTHENTICATED');
    expectProblem(await h.request('DELETE', `/api/users/me/sessions/${cId}`, { token: b.json.access_token }), 404, 'NOT_FOUND');

    const d = await login(user.email, password);
    expect((await h.request('POST', '/api/auth/logout-all', { token: d.json.access_token })).status).toBe(204);
    expectProblem(await me(b.json.access_token), 401, 'UNAUTHENTICATED');
    expectProblem(await me(d.json.access_token), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh(d.json.refresh_token), 401, 'UNAUTHENTICATED');
  });

  it('an unknown or missing refresh token is refused', async () => {
    expectProblem(await refresh('A'.repeat(43)), 401, 'UNAUTHENTICATED');
    expectProblem(await h.request('POST', '/api/auth/refresh', { body: {} }), 401, 'UNAUTHENTICATED');
    expectProblem(await h.request('POST', '/api/auth/refresh', { body: { refresh_token: 42 } }), 400, 'VALIDATION_ERROR');
  });

  it('forgot-password answers 202 alike for known and unknown addresses; reset sets the password and ends every session', async () => {
    const { user, password } = await seedAs(h, 'customer');
    const session = await login(user.email, password);
    const unknown = await h.request<{ status: string }>('POST', '/api/auth/forgot-password', { body: { email: 'nobody@example.com' } });
    const known = await h.request<{ status: string }>('POST', '/api/auth/forgot-password', { body: { email: user.email } });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(known.text).toBe(unknown.text);
    await h.service.settled();
    const code = h.mailer.lastCodeFor(user.email)!;
    expect(h.mailer.messages.some((m) => m.to === 'nobody@example.com')).toBe(false);

    const weak = await h.request('POST', '/api/auth/reset-password', { body: { email: user.email, code, new_password: 'short' } });
    expectProblem(weak, 400, 'WEAK_PASSWORD');
    const reset = await h.request('POST', '/api/auth/reset-password', { body: { email: user.email, code, new_password: 'a reset passphrase' } });
    expect(reset.status).toBe(204);
    expectProblem(await me(session.json.access_token), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh(session.json.refresh_token), 401, 'UNAUTHENTICATED');
    expectProblem(await login(user.email, password), 401, 'INVALID_CREDENTIALS');
    expect((await login(user.email, 'a reset passphrase')).status).toBe(200);
    // Single use.
    const again = await h.request('POST', '/api/auth/reset-password', { body: { email: user.email, code, new_password: 'another reset passphrase' } });
    expectProblem(again, 400, 'INVALID_VERIFICATION_CODE');
  });

  it('admins list and end a customer’s sessions; customers may not; the policy guards admins', async () => {
    const customer = await seedAs(h, 'customer');
    const admin = await seedAs(h, 'admin');
    const otherAdmin = await seedAs(h, 'admin');
    const session = await login(customer.user.email, customer.password);
    const list = await h.request<{ items: SessionItem[] }>('GET', `/api/users/${customer.user.id}/sessions`, { token: admin.token });
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    expect(list.json.items[0]!.current).toBe(false);
    expectProblem(await h.request('GET', `/api/users/${admin.user.id}/sessions`, { token: customer.token }), 403, 'FORBIDDEN');
    expectProblem(await h.request('DELETE', `/api/users/${otherAdmin.user.id}/sessions`, { token: admin.token }), 403, 'FORBIDDEN');
    expectProblem(await h.request('GET', '/api/users/999999/sessions', { token: admin.token }), 404, 'NOT_FOUND');
    expect((await h.request('DELETE', `/api/users/${customer.user.id}/sessions`, { token: admin.token })).status).toBe(204);
    expectProblem(await me(session.json.access_token), 401, 'UNAUTHENTICATED');
    expectProblem(await refresh(session.json.refresh_token), 401, 'UNAUTHENTICATED');
  });

  it('suspension ends sessions: refresh refused even after reactivation', async () => {
    const customer = await seedAs(h, 'customer');
    const admin = await seedAs(h, 'admin');
    const session = await login(customer.user.email, customer.password);
    expect((await h.request('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { status: 'suspended' } })).status).toBe(200);
    expect((await h.request('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { status: 'active' } })).status).toBe(200);
    expectProblem(await refresh(session.json.refresh_token), 401, 'UNAUTHENTICATED');
  });
});

describe.each(adapters)('browser mode (cookie) on %s', (adapter) => {
  const store = storeTargets()[0]!;
  let h: HttpHarness;
  beforeEach(async () => {
    h = await startHarness(adapter, store, { sessionCookie: { sameSite: 'Lax' }, csrf: { origins: ['https://app.example.com'] } });
  });
  afterEach(async () => {
    await h.close();
  });

  const cookieOf = (res: HttpResponse) => /^userkit_refresh=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

  it('carries the refresh token in an HttpOnly cookie on the auth path, never in the body; refresh needs the CSRF header and an allowed origin', async () => {
    const { user, password } = await seedAs(h, 'customer');
    const signedIn = await h.request<Tokens>('POST', '/api/auth/login', { body: { email: user.email, password } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json).not.toHaveProperty('refresh_token');
    const setCookie = signedIn.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/; Path=\/api\/auth; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax$/);
    const token = cookieOf(signedIn)!;
    const cookie = { cookie: `other=1; userkit_refresh=${token}` };

    expectProblem(await h.request('POST', '/api/auth/refresh', { body: {}, headers: cookie }), 403, 'FORBIDDEN');
    expectProblem(
      await h.request('POST', '/api/auth/refresh', { body: {}, headers: { ...cookie, 'x-userkit-csrf': '1', origin: 'https://evil.example' } }),
      403,
      'FORBIDDEN',
    );
    const renewed = await h.request<Tokens>('POST', '/api/auth/refresh', { body: {}, headers: { ...cookie, 'x-userkit-csrf': '1', origin: 'https://app.example.com' } });
    expect(renewed.status).toBe(200);
    expect(renewed.json).not.toHaveProperty('refresh_token');
    const next = cookieOf(renewed)!;
    expect(next).not.toBe(token);

    const out = await h.request('POST', '/api/auth/logout', { token: renewed.json.access_token });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^userkit_refresh=; Path=\/api\/auth; Max-Age=0;/);
    expectProblem(await h.request('POST', '/api/auth/refresh', { body: {}, headers: { cookie: `userkit_refresh=${next}`, 'x-userkit-csrf': '1' } }), 401, 'UNAUTHENTICATED');
  });
});
