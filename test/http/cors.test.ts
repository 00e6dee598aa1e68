/**
 * CORS (docs/api.md): listed origins get the CORS headers, preflights are answered 204, other
 * origins get none, and every API answer varies on Origin. One implementation in core, checked
 * through both adapters. Headers do not depend on the store, so the first store is enough.
 */
import type { CorsOptions } from '@userkit/core/server';
import { afterEach, describe, expect, it } from 'vitest';
import { adapters, startHarness, storeTargets, type HttpHarness } from './harness';
import { expectProblem, seedAs } from './support';

const app = 'https://app.example.com';
const dev = 'http://localhost:5173';
const store = storeTargets()[0];

describe.each(adapters)('CORS on %s', (adapter) => {
  let h: HttpHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (cors?: CorsOptions) => {
    if (!store) throw new Error('no store target');
    h = await startHarness(adapter, store, cors ? { cors } : {});
    return h;
  };

  it('answers a preflight from a listed origin 204 with methods, headers and max age', async () => {
    const h = await start({ origins: [app, dev], maxAge: 300 });
    const res = await h.request('OPTIONS', '/api/users/me', {
      headers: { origin: dev, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, if-match, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe(dev);
    expect(res.headers.get('access-control-allow-methods')?.split(', ')).toEqual(expect.arrayContaining(['GET', 'PUT']));
    expect(res.headers.get('access-control-allow-headers')?.split(', ')).toEqual(['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id', 'X-Userkit-CSRF']);
    expect(res.headers.get('access-control-max-age')).toBe('300');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });

  it('adds the allow-origin, exposed headers and Vary to real answers, errors included', async () => {
    const h = await start({ origins: [app] });
    const { token } = await seedAs(h, 'customer');
    const me = await h.request('GET', '/api/users/me', { token, headers: { origin: app } });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBe(app);
    expect(me.headers.get('access-control-expose-headers')?.split(', ')).toEqual(['Retry-After', 'ETag', 'Location', 'X-Request-Id']);
    expect(me.headers.get('vary')).toBe('Origin');
    expect(me.headers.get('etag')).toBeTruthy();
    const denied = await h.request('GET', '/api/users/me', { headers: { origin: app } });
    expectProblem(denied, 401, 'UNAUTHENTICATED');
    expect(denied.headers.get('access-control-allow-origin')).toBe(app);
    // Without an Origin (a server-side caller) the answer still varies on it, for shared caches.
    const plain = await h.request('GET', '/api/health');
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Origin');
  });

  it('sends Access-Control-Allow-Credentials: true when credentials are on', async () => {
    const h = await start({ origins: [app], credentials: true });
    const pre = await h.request('OPTIONS', '/api/auth/login', { headers: { origin: app, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')).toBe('POST');
    const { user, password } = await seedAs(h, 'customer');
    const res = await h.request('POST', '/api/auth/login', { body: { email: user.email, password }, headers: { origin: app } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('gives an unlisted origin no CORS header at all, preflight or not', async () => {
    const h = await start({ origins: [app] });
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.test', 'http://app.example.com', 'null']) {
      const pre = await h.request('OPTIONS', '/api/users/me', { headers: { origin, 'access-control-request-method': 'GET' } });
      expect(pre.status, origin).toBe(405);
      expect([...pre.headers.keys()].filter((k) => k.startsWith('access-control-')), origin).toEqual([]);
      const res = await h.request('GET', '/api/health', { headers: { origin } });
      expect(res.status).toBe(200);
      expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-')), origin).toEqual([]);
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('takes a predicate for origins', async () => {
    const h = await start({ origins: (origin) => origin.endsWith('.example.com') && origin.startsWith('https://') });
    expect((await h.request('GET', '/api/health', { headers: { origin: 'https://admin.example.com' } })).headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect((await h.request('GET', '/api/health', { headers: { origin: 'https://example.org' } })).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('without the option: no CORS headers, and a preflight stays 405 as before', async () => {
    const h = await start();
    const pre = await h.request('OPTIONS', '/api/users/me', { headers: { origin: app, 'access-control-request-method': 'GET' } });
    expectProblem(pre, 405, 'METHOD_NOT_ALLOWED');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('vary')).toBeNull();
  });

  it('a plain OPTIONS (no Access-Control-Request-Method) is not a preflight', async () => {
    const h = await start({ origins: [app] });
    const res = await h.request('OPTIONS', '/api/users/me', { headers: { origin: app } });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('access-control-allow-origin')).toBe(app);
  });
});

describe('CORS configuration', () => {
  it('refuses entries that are not origins', async () => {
    if (!store) throw new Error('no store target');
    for (const origins of [['https://app.example.com/path'], ['ftp://files.example.com'], ['app.example.com']]) {
      await expect(startHarness('hono', store, { cors: { origins } }), origins[0]).rejects.toThrow(/cors\.origins/);
    }
    await expect(startHarness('hono', store, { cors: { origins: ['*'], credentials: true } })).rejects.toThrow(/credentials/);
  });

  it("['*'] allows every origin (echoed, never a literal *), but not the opaque null origin", async () => {
    if (!store) throw new Error('no store target');
    const h = await startHarness('express', store, { cors: { origins: ['*'] } });
    try {
      const res = await h.request('GET', '/api/health', { headers: { origin: 'https://anyone.example.net' } });
      expect(res.headers.get('access-control-allow-origin')).toBe('https://anyone.example.net');
      expect((await h.request('GET', '/api/health', { headers: { origin: 'null' } })).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await h.close();
    }
  });
});
