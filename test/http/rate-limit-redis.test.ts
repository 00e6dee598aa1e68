/**
 * The HTTP rate limits over the Redis store (`@userkit/redis`): two servers sharing one Redis count
 * together, so a parallel burst split between them is limited once. Skipped with a message when
 * Redis is not answering at 127.0.0.1:6379 (REDIS_URL), unless USERKIT_REQUIRE_REDIS=1 (CI).
 */
import { RedisRateLimitStore } from '@userkit/redis';
import { createClient } from 'redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { adapters, startHarness, storeTargets, type HttpHarness } from './harness';
import { seedAs, tally } from './support';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `userkit-http-test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
const newClient = () => createClient({ url, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
type Client = ReturnType<typeof newClient>;

async function connect(): Promise<Client | undefined> {
  const client = newClient();
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.destroy();
    return undefined;
  }
}

const redis = await connect();
const skip = redis ? undefined : `Redis is not answering at ${url}`;
if (skip) {
  if (process.env['USERKIT_REQUIRE_REDIS'] === '1') throw new Error(`${skip}, and USERKIT_REQUIRE_REDIS=1`);
  console.warn(`HTTP rate limits over Redis skipped: ${skip}`);
}

afterAll(async () => {
  if (!redis) return;
  const keys: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
  if (keys.length > 0) await redis.del(keys);
  redis.destroy();
});

const memory = storeTargets().find((t) => t.name === 'memory') ?? storeTargets()[0];

describe.skipIf(skip !== undefined || memory === undefined)('rate limits over Redis', () => {
  const servers: HttpHarness[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it.each(adapters)('%s: two servers on one Redis, 30 parallel wrong sign-ins to one account split between them: at most 10 reach the password check', async (adapter) => {
    const run = `${prefix}${adapter}:`;
    const rateLimitStore = new RedisRateLimitStore({ client: redis as Client, prefix: run });
    const rateLimits = { login: { perAccount: { max: 10, windowMs: 60_000 }, perAddress: { max: 1000, windowMs: 60_000 } } };
    // Both servers share the same user store, as two processes behind a load balancer would.
    const first = await startHarness(adapter, memory!, { rateLimitStore, rateLimits });
    servers.push(first);
    const victim = await seedAs(first, 'customer');
    const second = await startHarness(adapter, { name: 'shared', open: async () => ({ repository: first.repository, close: async () => {} }) }, { rateLimitStore, rateLimits });
    servers.push(second);
    const attempts = Array.from({ length: 30 }, (_, i) =>
      (i % 2 ? first : second).request('POST', '/api/auth/login', { body: { email: victim.user.email, password: `wrong password ${i}` }, localAddress: `127.0.0.${i + 2}` }),
    );
    const results = tally(await Promise.all(attempts));
    expect(results['INVALID_CREDENTIALS'] ?? 0, JSON.stringify(results)).toBeLessThanOrEqual(10);
    expect(results['RATE_LIMITED'] ?? 0, JSON.stringify(results)).toBeGreaterThanOrEqual(20);
  });
});
