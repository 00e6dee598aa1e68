/**
 * The RateLimitStore conformance suite against a real Redis at 127.0.0.1:6379 (REDIS_URL to
 * change it), under a key prefix unique to this run that is deleted afterwards. Where Redis is not
 * answering the suite is skipped with a message, so `npm test` passes with no servers; CI sets
 * USERKIT_REQUIRE_REDIS=1 so a missing Redis fails there instead.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { UserkitError } from '@userkit/core';
import { MemoryRateLimitStore, RateLimiter } from '@userkit/core/server';
import { describeRateLimitStore } from '@userkit/core/testing';
import { RedisRateLimitStore } from '../src/index';
import { connectRedis, redisSkipReason, type TestRedisClient } from './redis-test-server';

const prefix = `userkit-test:${process.pid}:${Math.random().toString(36).slice(2, 10)}:`;
type Client = TestRedisClient;

const skip = await redisSkipReason('@userkit/redis tests');
const probe = skip ? undefined : await connectRedis();

afterAll(async () => {
  if (!probe) return;
  // Every key this run made, whatever a failed test left behind.
  const keys: string[] = [];
  for await (const batch of probe.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
  if (keys.length > 0) await probe.del(keys);
  probe.destroy();
});

describeRateLimitStore('RedisRateLimitStore', async () => ({ store: new RedisRateLimitStore({ client: probe as Client, prefix }), close: async () => {} }), { skip });

describe.skipIf(skip !== undefined)('RedisRateLimitStore', () => {
  const store = () => new RedisRateLimitStore({ client: probe as Client, prefix });

  it('writes under its prefix only, and every key it writes expires', async () => {
    await store().increment('login:address:192.0.2.1', 60_000, Date.now());
    const keys: string[] = [];
    for await (const batch of (probe as Client).scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    expect(keys).toContain(`${prefix}login:address:192.0.2.1`);
    for (const key of keys) expect(await (probe as Client).pTTL(key), key).toBeGreaterThan(0);
  });

  it('two stores on one Redis (two processes) count together: a burst split between them is limited once', async () => {
    const rules = { login: { perAccount: { max: 10, windowMs: 60_000 }, perAddress: { max: 1000, windowMs: 60_000 } } };
    const a = new RateLimiter(store(), rules);
    const b = new RateLimiter(store(), rules);
    const email = `burst-${Math.random().toString(36).slice(2)}@example.com`;
    const wrong = async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new UserkitError('INVALID_CREDENTIALS', { detail: 'wrong' });
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).run('login', { email, address: `192.0.2.${i}` }, wrong)));
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? ((o.reason as { code?: string }).code ?? 'other') : 'ok'));
    expect(reasons.filter((r) => r === 'RATE_LIMITED')).toHaveLength(20);
  });

  it('a count in one store is the same count in a memory store’s shape (resetAt from the key’s expiry)', async () => {
    const now = Date.now();
    const redis = await store().increment('shape', 60_000, now);
    const memory = await new MemoryRateLimitStore().increment('shape', 60_000, now);
    expect(redis.count).toBe(memory.count);
    expect(Math.abs(redis.resetAt - memory.resetAt)).toBeLessThan(1_000);
  });
});
