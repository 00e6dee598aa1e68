/**
 * Guards for the app's own routes (docs/guards.md) on Hono and Express, and the framework-free
 * Fetch guard: the same authenticator and revocation rules as the API, refusals as problem+json.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemContentType, type NewUserRecord, type User } from '@userkit/core';
import { JwtTokens, MemoryMailer, MemoryUserRepository, UserService, createGuard, createUserkitHandler, type UserkitHandler } from '@userkit/core/server';
import { userkitGuards as expressGuards, userkitMiddleware as expressMiddleware, withUser } from '@userkit/express';
import { userkitGuards as honoGuards, userkitMiddleware as honoMiddleware, type UserkitEnv } from '@userkit/hono';
import express from 'express';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FastTestHasher } from './fast-hasher';
import { secret } from './harness';

interface World {
  service: UserService;
  handler: UserkitHandler;
  tokens: JwtTokens;
  repository: MemoryUserRepository;
  seed(overrides: Partial<NewUserRecord>): Promise<{ id: number; token: string }>;
}

let n = 0;
function world(): World {
  const repository = new MemoryUserRepository();
  const hasher = new FastTestHasher();
  const service = new UserService({ repository, mailer: new MemoryMailer(), hasher, codeSecret: secret });
  const tokens = new JwtTokens({ secret });
  const handler = createUserkitHandler({ service, tokens });
  const seed = async (overrides: Partial<NewUserRecord>) => {
    const now = new Date();
    const record = await repository.insert({
      email: `guard${++n}@example.com`,
      password_hash: await hasher.hash('a sturdy passphrase'),
      user_type: 'customer',
      status: 'active',
      email_verified: true,
      created_at: now,
      updated_at: now,
      ...overrides,
    });
    return { id: record.id, token: (await tokens.issue(record)).access_token };
  };
  return { service, handler, tokens, repository, seed };
}

/** A guarded app on a real server: GET /app/me (any user), /app/admin (admins), /app/super, /app/vip (predicate). */
type AppFactory = (handler: UserkitHandler) => (request: Request) => Promise<Response>;

const hono: AppFactory = (handler) => {
  const { requireUser, requireAdmin, requireRole } = honoGuards(handler);
  const app = new Hono<UserkitEnv>();
  app.use(honoMiddleware(handler));
  app.get('/app/me', requireUser(), (c) => {
    const user: User = c.get('user'); // typed by UserkitEnv
    return c.json({ id: user.id, email: user.email });
  });
  app.get('/app/admin', requireAdmin(), (c) => c.json({ id: c.get('user').id, role: c.get('user').user_type }));
  app.get('/app/super', requireRole('super_admin'), (c) => c.json({ id: c.get('user').id }));
  app.get('/app/vip', requireRole((user) => user.city === 'Lisbon'), (c) => c.json({ id: c.get('user').id }));
  return async (request) => app.fetch(request);
};

const expressApp: AppFactory = (handler) => {
  const { requireUser, requireAdmin, requireRole } = expressGuards(handler);
  const app = express();
  app.use(expressMiddleware(handler));
  app.get('/app/me', requireUser(), withUser((req, res) => res.json({ id: req.user.id, email: req.user.email })));
  app.get('/app/admin', requireAdmin(), withUser((req, res) => res.json({ id: req.user.id, role: req.user.user_type })));
  app.get('/app/super', requireRole('super_admin'), withUser((req, res) => res.json({ id: req.user.id })));
  app.get('/app/vip', requireRole((user) => user.city === 'Lisbon'), withUser((req, res) => res.json({ id: req.user.id })));
  app.get('/app/unguarded', withUser((req, res) => res.json({ id: req.user.id })));
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: error.message });
  });
  let server: Server | undefined;
  const base = new Promise<string>((resolve) => {
    server = createServer(app).listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server?.address() as AddressInfo).port}`));
  });
  servers.push(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));
  return async (request) => {
    const url = new URL(request.url);
    return fetch(`${await base}${url.pathname}`, { headers: request.headers });
  };
};

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

const get = (call: (request: Request) => Promise<Response>, path: string, token?: string) =>
  call(new Request(`http://localhost${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));

async function expectRefusal(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe(problemContentType);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(((await response.json()) as { code: string }).code).toBe(code);
}

describe.each([
  ['hono', hono],
  ['express', expressApp],
] as const)('guards on %s', (_name, factory) => {
  let w: World;
  let call: (request: Request) => Promise<Response>;
  beforeEach(() => {
    w = world();
    call = factory(w.handler);
  });

  it('no token → 401; a malformed or foreign token → 401', async () => {
    await expectRefusal(await get(call, '/app/me'), 401, 'UNAUTHENTICATED');
    await expectRefusal(await get(call, '/app/me', 'not-a-jwt'), 401, 'UNAUTHENTICATED');
    const foreign = await new JwtTokens({ secret: 'another-secret-that-is-long-enough-for-hs256-xyz' }).issue({ id: 1, token_version: 0 });
    await expectRefusal(await get(call, '/app/me', foreign.access_token), 401, 'UNAUTHENTICATED');
  });

  it('a customer reaches a user route, not an admin route (403)', async () => {
    const customer = await w.seed({});
    const me = await get(call, '/app/me', customer.token);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ id: customer.id, email: expect.stringMatching(/@example\.com$/) });
    const admin = await get(call, '/app/admin', customer.token);
    await expectRefusal(admin, 403, 'FORBIDDEN');
    expect(admin.headers.get('www-authenticate')).toContain('insufficient_scope');
  });

  it('an admin reaches the admin route with the typed user; only a super admin the super route', async () => {
    const admin = await w.seed({ user_type: 'admin' });
    const res = await get(call, '/app/admin', admin.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: admin.id, role: 'admin' });
    await expectRefusal(await get(call, '/app/super', admin.token), 403, 'FORBIDDEN');
    const root = await w.seed({ user_type: 'admin', is_super_admin: true });
    expect((await get(call, '/app/super', root.token)).status).toBe(200);
  });

  it('a predicate decides', async () => {
    const poor = await w.seed({});
    const rich = await w.seed({ city: 'Lisbon' });
    await expectRefusal(await get(call, '/app/vip', poor.token), 403, 'FORBIDDEN');
    expect((await get(call, '/app/vip', rich.token)).status).toBe(200);
  });

  it('a revoked token (password changed), a suspended and a deleted user are refused, as by the API', async () => {
    const admin = await w.seed({ user_type: 'admin' });
    const user = await w.seed({});
    expect((await get(call, '/app/me', user.token)).status).toBe(200);
    await w.service.changePassword({ id: admin.id, user_type: 'admin', is_super_admin: false }, user.id, { new_password: 'a brand new passphrase' });
    await expectRefusal(await get(call, '/app/me', user.token), 401, 'UNAUTHENTICATED');
    // The API itself refuses the same token.
    expect((await w.handler.fetch(new Request('http://localhost/api/users/me', { headers: { authorization: `Bearer ${user.token}` } }))).status).toBe(401);

    const suspended = await w.seed({});
    await w.repository.update(suspended.id, { status: 'suspended' });
    await expectRefusal(await get(call, '/app/me', suspended.token), 401, 'UNAUTHENTICATED');
    const deleted = await w.seed({});
    await w.service.delete({ id: admin.id, user_type: 'admin', is_super_admin: false }, deleted.id);
    await expectRefusal(await get(call, '/app/me', deleted.token), 401, 'UNAUTHENTICATED');
  });

  it('passes the API through untouched', async () => {
    const customer = await w.seed({});
    const res = await get(call, '/api/users/me', customer.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBeTruthy();
  });
});

describe('express withUser without a guard', () => {
  it('passes an error to next instead of running with no user', async () => {
    const w = world();
    const res = await get(expressApp(w.handler), '/app/unguarded');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/requireUser/);
  });
});

describe('the framework-free Fetch guard (e.g. a Next.js route handler)', () => {
  it('authorize returns the user or the Response to send', async () => {
    const w = world();
    const guard = createGuard({ service: w.service, tokens: w.tokens });
    const route = async (request: Request) => {
      const user = await guard.authorize(request, { roles: ['admin'] });
      if (user instanceof Response) return user;
      return Response.json({ hello: user.email });
    };
    await expectRefusal(await get(route, '/dashboard'), 401, 'UNAUTHENTICATED');
    await expectRefusal(await get(route, '/dashboard', (await w.seed({})).token), 403, 'FORBIDDEN');
    const admin = await w.seed({ user_type: 'admin' });
    const ok = await get(route, '/dashboard', admin.token);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { hello: string }).hello).toMatch(/@example\.com$/);
  });

  it('authenticate gives the public user, or undefined without credentials; the handler has the same guard', async () => {
    const w = world();
    const user = await w.seed({});
    const request = new Request('http://localhost/x', { headers: { authorization: `Bearer ${user.token}` } });
    const found = await w.handler.guard.authenticate(request);
    expect(found?.id).toBe(user.id);
    expect(found).not.toHaveProperty('password_hash');
    expect(found).not.toHaveProperty('token_version');
    expect(await w.handler.guard.authenticate(new Request('http://localhost/x'))).toBeUndefined();
    await expect(w.handler.guard.authenticate(new Request('http://localhost/x', { headers: { authorization: 'Bearer nope' } }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
