/**
 * The Hono adapter off Node (Bun, Deno, workers; here `app.request`): it ends in core's Fetch face,
 * serving the API and passing every other path to the next handler.
 */
import { JwtTokens, MemoryMailer, MemoryUserRepository, UserService, createUserkitHandler } from '@userkit/core/server';
import { userkitMiddleware } from '@userkit/hono';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { FastTestHasher } from './fast-hasher';
import { secret } from './harness';

describe('Hono on a Fetch runtime', () => {
  const repository = new MemoryUserRepository();
  const service = new UserService({ repository, mailer: new MemoryMailer(), hasher: new FastTestHasher() });
  const app = new Hono();
  app.use(userkitMiddleware(createUserkitHandler({ service, tokens: new JwtTokens({ secret }) }), { remoteAddress: () => '192.0.2.1' }));
  app.get('/elsewhere', (c) => c.text('the host app'));

  it('serves the API, problem+json included, and leaves other paths to the app', async () => {
    const health = await app.request('/api/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const registered = await app.request('/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'fetch-runtime@example.com', password: 'a sturdy passphrase' }),
    });
    expect(registered.status).toBe(201);
    const missing = await app.request('/api/users/me');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await (await app.request('/elsewhere')).text()).toBe('the host app');
    expect((await app.request('https://api.example.com/health')).status).toBe(200);
  });
});
