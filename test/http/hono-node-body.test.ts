/**
 * The Hono adapter's Node fast path reads a request body from the Node stream itself; when a
 * middleware before it has already started reading the body through `c.req`, it reads through
 * `c.req.raw` instead. Both must hand core the same body.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { JwtTokens, MemoryMailer, MemoryUserRepository, UserService, createUserkitHandler } from '@userkit/core/server';
import { userkitMiddleware } from '@userkit/hono';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastTestHasher } from './fast-hasher';
import { secret } from './harness';

describe('Hono under @hono/node-server: request bodies', () => {
  const service = new UserService({ repository: new MemoryUserRepository(), mailer: new MemoryMailer(), hasher: new FastTestHasher() });
  const handler = createUserkitHandler({ service, tokens: new JwtTokens({ secret }) });
  const app = new Hono();
  // A host middleware that looks at headers only on /api, and at the body itself on /seen.
  app.use('/api/*', async (c, next) => {
    c.header('x-seen-content-type', c.req.header('content-type') ?? 'none');
    await next();
  });
  app.use('/seen/*', async (c, next) => {
    c.set('peek' as never, (await c.req.raw.clone().text()).length as never);
    await next();
  });
  app.use(userkitMiddleware(handler));
  app.use('/seen/*', userkitMiddleware(createUserkitHandler({ service, tokens: new JwtTokens({ secret }), basePath: '/seen' })));
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const register = (prefix: string, email: string) =>
    fetch(`${base}${prefix}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'a sturdy passphrase' }) });

  it('reads a body straight from the Node stream', async () => {
    const response = await register('/api', 'node-stream@example.com');
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ user: { email: 'node-stream@example.com' } });
  });

  it('reads a body through c.req.raw once a middleware has started reading it', async () => {
    const response = await register('/seen', 'raw-stream@example.com');
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ user: { email: 'raw-stream@example.com' } });
  });

  it('answers a malformed body with problem+json either way', async () => {
    for (const prefix of ['/api', '/seen']) {
      const response = await fetch(`${base}${prefix}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});
