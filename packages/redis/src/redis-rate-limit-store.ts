/**
 * A {@link RateLimitStore} on Redis, so every process behind a load balancer counts together.
 * Each operation is one Lua script: Redis runs a script alone, so a count and its expiry are set
 * together (no key can be left without an expiry by a crash between two commands) and parallel
 * requests never read the same count.
 */
import type { RateLimitCount, RateLimitStore } from '@userkit/core/server';

/**
 * The one command the store sends: `EVAL` as node-redis (v5 and v6) spells it. Any client object
 * with this method will do, e.g. `createClient()`, a cluster or a sentinel client.
 */
export interface RedisEvalClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisRateLimitStoreOptions {
  /** A connected node-redis client (`await createClient({ url }).connect()`). */
  client: RedisEvalClient;
  /** Prepended to every key, so several apps can share one Redis. Default `userkit:ratelimit:`. */
  prefix?: string;
}

// INCR then, for a key that has no expiry yet (it was just created), PEXPIRE: the window starts
// with the first event. Returns the count and the milliseconds left in the window.
const incrementScript = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

// A refund: only a live key, never below zero; DECR keeps the key's expiry.
const decrementScript = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

const getScript = `
local count = redis.call('GET', KEYS[1])
if not count then return false end
return { tonumber(count), redis.call('PTTL', KEYS[1]) }`;

const resetScript = `return redis.call('DEL', KEYS[1])`;

/**
 * Counters in Redis with fixed windows: the window is the key's expiry, kept by Redis's clock.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisRateLimitStore } from '@userkit/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * createUserkitHandler({ service, tokens, rateLimitStore: new RedisRateLimitStore({ client: redis }) });
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #client: RedisEvalClient;
  readonly #prefix: string;

  constructor(options: RedisRateLimitStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? 'userkit:ratelimit:';
  }

  async increment(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const window = Math.max(1, Math.ceil(windowMs));
    const reply = await this.#client.eval(incrementScript, { keys: [this.#prefix + key], arguments: [String(window)] });
    const [count, ttl] = pair(reply);
    return { count, resetAt: now + ttl };
  }

  async decrement(key: string): Promise<void> {
    await this.#client.eval(decrementScript, { keys: [this.#prefix + key], arguments: [] });
  }

  async get(key: string, now: number): Promise<RateLimitCount | undefined> {
    const reply = await this.#client.eval(getScript, { keys: [this.#prefix + key], arguments: [] });
    if (reply === null || reply === undefined) return undefined;
    const [count, ttl] = pair(reply);
    return { count, resetAt: now + Math.max(0, ttl) };
  }

  async reset(key: string): Promise<void> {
    await this.#client.eval(resetScript, { keys: [this.#prefix + key], arguments: [] });
  }
}

/** The `{ count, ttl }` reply of a script, checked. */
function pair(reply: unknown): [number, number] {
  if (Array.isArray(reply) && reply.length === 2) {
    const [count, ttl] = reply.map(Number) as [number, number];
    if (Number.isFinite(count) && Number.isFinite(ttl)) return [count, ttl];
  }
  throw new Error('@userkit/redis: unexpected reply from a rate-limit script');
}
