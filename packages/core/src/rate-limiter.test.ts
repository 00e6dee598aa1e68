/** The rate limiter when its store is down: a temporary outage (503), not a bug (500). */
import { describe, expect, it } from 'vitest';
import { isUserkitError } from './errors';
import { RateLimiter } from './rate-limiter';
import type { RateLimitStore } from './rate-limit-store';

describe('RateLimiter', () => {
  it('answers SERVICE_UNAVAILABLE with Retry-After when the store cannot count, and runs nothing', async () => {
    const down: RateLimitStore = {
      increment: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')),
      decrement: async () => {},
      get: async () => undefined,
      reset: async () => {},
    };
    let ran = false;
    const error: unknown = await new RateLimiter(down)
      .run('login', { email: 'a@example.com', address: '203.0.113.9' }, async () => void (ran = true))
      .catch((e: unknown) => e);
    expect(isUserkitError(error, 'SERVICE_UNAVAILABLE')).toBe(true);
    expect(isUserkitError(error) && error.retryAfter).toBe(5);
    expect(ran).toBe(false);
  });
});
