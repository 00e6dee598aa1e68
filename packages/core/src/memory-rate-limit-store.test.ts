import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, resolveRateLimits, defaultRateLimits } from './rate-limit-store';
import { describeRateLimitStore } from '@userkit/core/testing';

describeRateLimitStore('MemoryRateLimitStore', async () => ({ store: new MemoryRateLimitStore(), close: async () => {} }));

describe('MemoryRateLimitStore', () => {
  it('keeps at most maxKeys keys, dropping expired ones first, then the oldest', async () => {
    const store = new MemoryRateLimitStore({ maxKeys: 2 });
    await store.increment('old', 10, 0);
    await store.increment('a', 1000, 5);
    await store.increment('b', 1000, 20); // 'old' expired at 10: swept
    expect(await store.get('a', 20)).toBeDefined();
    await store.increment('c', 1000, 21); // full of live keys: the oldest ('a') goes
    expect(await store.get('a', 21)).toBeUndefined();
    expect(await store.get('c', 21)).toMatchObject({ count: 1 });
  });
});

describe('resolveRateLimits', () => {
  it('merges rules over the defaults; false turns off everything, a bucket or a rule', () => {
    expect(resolveRateLimits(undefined)).toEqual(defaultRateLimits);
    expect(resolveRateLimits(false)).toEqual({ login: {}, verifyEmail: {}, sendCode: {} });
    const rule = { max: 3, windowMs: 1000 };
    const resolved = resolveRateLimits({ login: { perAccount: rule }, verifyEmail: false, sendCode: { perAccount: false } });
    expect(resolved.login).toEqual({ perAccount: rule, perAddress: defaultRateLimits.login.perAddress });
    expect(resolved.verifyEmail).toEqual({});
    expect(resolved.sendCode).toEqual({ perAddress: defaultRateLimits.sendCode.perAddress });
    for (const bad of [{ max: -1, windowMs: 1 }, { max: 1.5, windowMs: 1 }, { max: 1, windowMs: 0 }]) {
      expect(() => resolveRateLimits({ login: { perAddress: bad } })).toThrow(RangeError);
    }
  });
});
