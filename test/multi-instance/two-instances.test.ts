/**
 * Many instances, proven: two server processes (the Hono example and the Express example, built
 * as `npm start` builds them) on ONE PostgreSQL database and ONE Redis, with requests alternating
 * between them. What must hold across instances: the per-account sign-in limit (Redis), token
 * revocation (the token version in the database, checked on every request), If-Match conflicts
 * and credit spends (conditional writes in the database), and live statistics (the change feed).
 *
 * Runs when PostgreSQL (USERKIT_TEST_STORES=postgres with DATABASE_URL: a database of its own is
 * created next to it and dropped afterwards) and Redis (REDIS_URL, default 127.0.0.1:6379) both
 * answer; otherwise it is skipped with a message. `.ci/run` runs it in its database step.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');
const baseUrl = process.env['USERKIT_TEST_STORES']?.includes('postgres') ? process.env['DATABASE_URL'] : undefined;
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

async function postgresAnswers(): Promise<boolean> {
  if (!baseUrl) return false;
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisAnswers(): Promise<boolean> {
  const client = createClient({ url: redisUrl, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

const [hasPostgres, hasRedis] = await Promise.all([postgresAnswers(), redisAnswers()]);
const skip = !hasPostgres ? 'PostgreSQL is not configured or not answering (set USERKIT_TEST_STORES=postgres and DATABASE_URL)' : !hasRedis ? `Redis is not answering at ${redisUrl}` : undefined;
// Without PostgreSQL (the default `npm test`) the suite skips; with it, CI's USERKIT_REQUIRE_REDIS makes a missing Redis fail.
if (hasPostgres && !hasRedis && process.env['USERKIT_REQUIRE_REDIS'] === '1') throw new Error(`${skip}, and USERKIT_REQUIRE_REDIS=1`);
if (skip) console.warn(`multi-instance tests skipped: ${skip}`);

const adminEmail = 'root@example.com';
const adminPassword = 'multi-instance-admin-password-1';
const database = `userkit_multi_${process.pid}_${Date.now()}`;
const dataDir = mkdtempSync(join(tmpdir(), 'userkit-multi-'));

interface Instance {
  name: string;
  api: string;
  child: ChildProcess;
  output: () => string;
}

/** Starts one example server and resolves once its banner names the port. */
async function startInstance(name: string, entry: string, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API:\s+http:\/\/localhost:(\d+)\/api/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output}`)));
  });
  return { name, api: `http://127.0.0.1:${port}/api`, child, output: () => output };
}

let a: Instance;
let b: Instance;
let adminToken: string;

async function call(instance: Instance, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${instance.api}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

async function login(instance: Instance, email: string, password: string): Promise<string> {
  const answer = await call(instance, 'POST', '/auth/login', { body: { email, password } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body?.['access_token'] as string;
}

let users = 0;
async function createCustomer(password = 'customer-password-long-1'): Promise<{ id: number; email: string; password: string }> {
  const email = `c${++users}-${process.pid}@example.com`;
  const answer = await call(a, 'POST', '/users', { token: adminToken, body: { email, password } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { id: answer.body?.['id'] as number, email, password };
}

describe.skipIf(skip !== undefined)('two instances on one PostgreSQL and one Redis', () => {
  const admin = new pg.Client({ connectionString: baseUrl });

  beforeAll(async () => {
    const tsup = join(repo, 'node_modules/.bin/tsup');
    execFileSync(tsup, ['--silent'], { cwd: join(repo, 'examples/server'), stdio: 'inherit' });
    execFileSync(tsup, ['--silent'], { cwd: join(repo, 'examples/express-server'), stdio: 'inherit' });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = new URL(baseUrl as string);
    url.pathname = `/${database}`;
    const env = {
      DATABASE_URL: url.toString(),
      USERKIT_REDIS_URL: redisUrl,
      USERKIT_JWT_SECRET: 'a-shared-secret-of-the-two-instances-0123456789',
      USERKIT_ADMIN_EMAIL: adminEmail,
      USERKIT_ADMIN_PASSWORD: adminPassword,
      USERKIT_DATA_DIR: dataDir,
      USERKIT_LOG_LEVEL: 'warn',
      USERKIT_RATE_LIMITS: 'login.account=4/15m',
    };
    // One after the other: the first migrates and seeds, the second finds both done.
    a = await startInstance('A (Hono)', join(repo, 'examples/server/dist/main.js'), env);
    b = await startInstance('B (Express)', join(repo, 'examples/express-server/dist/main.js'), env);
    adminToken = await login(a, adminEmail, adminPassword);
  }, 120_000);

  afterAll(async () => {
    for (const instance of [a, b]) {
      if (!instance || instance.child.exitCode !== null) continue;
      instance.child.kill('SIGTERM');
      await once(instance.child, 'exit');
    }
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
    await admin.end();
    // Redis keys of the sign-in limit expire with their window; the ones of this run are left to expire.
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts sign-in failures of one account across both instances', async () => {
    const customer = await createCustomer();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const instance = attempt % 2 === 0 ? a : b;
      statuses.push((await call(instance, 'POST', '/auth/login', { body: { email: customer.email, password: 'wrong-password-long-1' } })).status);
    }
    // Four failures are allowed per account (USERKIT_RATE_LIMITS), wherever they land.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('refuses on one instance, at once, a token revoked through the other', async () => {
    const customer = await createCustomer();
    const token = await login(b, customer.email, customer.password);
    // B verifies (and may keep) the token first.
    expect((await call(b, 'GET', '/users/me', { token })).status).toBe(200);
    const change = await call(a, 'POST', `/users/${customer.id}/password`, { token, body: { current_password: customer.password, new_password: 'another-password-long-2' } });
    expect(change.status).toBe(204);
    expect((await call(b, 'GET', '/users/me', { token })).status).toBe(401);
    expect((await call(a, 'GET', '/users/me', { token })).status).toBe(401);
  });

  it('ends a session through one instance and the other refuses its access token and its refresh token at once', async () => {
    const customer = await createCustomer();
    const signIn = async () => {
      const answer = await call(b, 'POST', '/auth/login', { body: { email: customer.email, password: customer.password } });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return { access: answer.body?.['access_token'] as string, refresh: answer.body?.['refresh_token'] as string };
    };
    const ended = await signIn();
    const kept = await signIn();
    // B verifies (and may keep) the access token first; then A refreshes it once (rotation).
    expect((await call(b, 'GET', '/users/me', { token: ended.access })).status).toBe(200);
    const rotated = await call(a, 'POST', '/auth/refresh', { body: { refresh_token: ended.refresh } });
    expect(rotated.status).toBe(200);
    // The spent refresh token, replayed on B, is a reuse: its whole session ends.
    expect((await call(b, 'POST', '/auth/refresh', { body: { refresh_token: ended.refresh } })).status).toBe(401);
    expect((await call(b, 'POST', '/auth/refresh', { body: { refresh_token: rotated.body?.['refresh_token'] } })).status).toBe(401);
    expect((await call(a, 'GET', '/users/me', { token: rotated.body?.['access_token'] as string })).status).toBe(401);
    // Logout through A ends only that session; B refuses its token at once and keeps the other.
    const again = await signIn();
    expect((await call(b, 'GET', '/users/me', { token: again.access })).status).toBe(200);
    expect((await call(a, 'POST', '/auth/logout', { token: again.access })).status).toBe(204);
    expect((await call(b, 'GET', '/users/me', { token: again.access })).status).toBe(401);
    expect((await call(b, 'GET', '/users/me', { token: kept.access })).status).toBe(200);
  });

  it('lets exactly one of parallel PUTs with one ETag through, split across instances', async () => {
    const customer = await createCustomer();
    const read = await call(a, 'GET', `/users/${customer.id}`, { token: adminToken });
    const etag = read.headers.get('etag') as string;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call(i % 2 === 0 ? a : b, 'PUT', `/users/${customer.id}`, { token: adminToken, headers: { 'if-match': etag }, body: { city: `City ${i}` } })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(7);
  });

  it('keeps credit spends exact across instances: never negative, the ledger sums to the balance', async () => {
    const customer = await createCustomer();
    expect((await call(a, 'POST', `/users/${customer.id}/credits`, { token: adminToken, body: { amount: 10, reason: 'grant' } })).status).toBe(200);
    const spends = await Promise.all(
      Array.from({ length: 16 }, (_, i) => call(i % 2 === 0 ? a : b, 'POST', `/users/${customer.id}/credits`, { token: adminToken, body: { amount: -1, reason: 'spend' } })),
    );
    expect(spends.filter((s) => s.status === 200)).toHaveLength(10);
    expect(spends.filter((s) => s.body?.['code'] === 'INSUFFICIENT_CREDITS')).toHaveLength(6);
    const page = await call(b, 'GET', `/users/${customer.id}/credits?limit=100`, { token: adminToken });
    const items = page.body?.['items'] as { amount: number }[];
    expect(page.body?.['credits']).toBe(0);
    expect(items.reduce((sum, item) => sum + item.amount, 0)).toBe(0);
  });

  it("streams on one instance's /users/stats/stream a change made through the other", async () => {
    const abort = new AbortController();
    const response = await fetch(`${b.api}/users/stats/stream`, { headers: { authorization: `Bearer ${adminToken}` }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    async function nextEvent(name: string): Promise<Record<string, unknown>> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(`event: ${name}\n`)) return JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as Record<string, unknown>;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    }
    const before = await nextEvent('stats');
    const created = await createCustomer(); // through A
    let activity: Record<string, unknown>;
    do activity = await nextEvent('activity');
    while (activity['user_id'] !== created.id);
    expect(activity['event']).toBe('user.created');
    let after: Record<string, unknown>;
    do after = await nextEvent('stats');
    while ((after['total'] as number) <= (before['total'] as number));
    expect(after['total']).toBe((before['total'] as number) + 1);
    abort.abort();
  });
});
