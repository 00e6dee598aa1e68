/**
 * The conformance suite every {@link RateLimitStore} must pass (docs/decisions.md, "Throttling and secrets"):
 * counting in fixed windows, atomic increments under parallel calls, refunds that never go below
 * zero nor revive an expired or reset key, and windows that end. Run it from a store's tests:
 *
 * ```ts
 * describeRateLimitStore('MemoryRateLimitStore', async () => ({ store: new MemoryRateLimitStore(), close: async () => {} }));
 * ```
 *
 * It uses the real clock (a store such as Redis expires keys by its own clock), with windows of a
 * few hundred milliseconds where expiry is the point; every key is unique to its test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../rate-limit-store';

/** What a suite run needs: a store, and how to release it afterwards. */
export interface RateLimitStoreFixture {
  store: RateLimitStore;
  close(): Promise<void>;
}

export interface RateLimitStoreCaseOptions {
  /** Skip the whole suite (e.g. the server is not answering), with this reason in the name. */
  skip?: string | undefined;
}

const minute = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeRateLimitStore(name: string, open: () => Promise<RateLimitStoreFixture>, options: RateLimitStoreCaseOptions = {}): void {
  describe.skipIf(options.skip !== undefined)(`RateLimitStore conformance: ${name}${options.skip ? ` (skipped: ${options.skip})` : ''}`, () => {
    let fixture: RateLimitStoreFixture;
    let seq = 0;
    const run = Math.random().toString(36).slice(2, 10);
    /** A key no other test (or earlier run) uses. */
    const key = (label: string) => `case:${run}:${++seq}:${label}`;
    const store = () => fixture.store;

    beforeAll(async () => {
      fixture = await open();
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it('increment starts a window at 1 that ends windowMs from now, and counts up within it', async () => {
      const k = key('count');
      const now = Date.now();
      const first = await store().increment(k, minute, now);
      expect(first.count).toBe(1);
      expect(first.resetAt).toBeGreaterThan(now + minute - 5_000);
      expect(first.resetAt).toBeLessThanOrEqual(now + minute + 1_000);
      const second = await store().increment(k, minute, Date.now());
      expect(second.count).toBe(2);
      // The window is fixed: a later increment does not move its end.
      expect(Math.abs(second.resetAt - first.resetAt)).toBeLessThan(2_000);
      expect((await store().increment(k, minute, Date.now())).count).toBe(3);
    });

    it('get reads without changing; an unknown key is undefined', async () => {
      const k = key('get');
      expect(await store().get(k, Date.now())).toBeUndefined();
      await store().increment(k, minute, Date.now());
      await store().increment(k, minute, Date.now());
      expect((await store().get(k, Date.now()))?.count).toBe(2);
      expect((await store().get(k, Date.now()))?.count).toBe(2);
    });

    it('keys count independently', async () => {
      const [a, b] = [key('a'), key('b')];
      await store().increment(a, minute, Date.now());
      await store().increment(a, minute, Date.now());
      expect((await store().increment(b, minute, Date.now())).count).toBe(1);
      expect((await store().get(a, Date.now()))?.count).toBe(2);
    });

    it('increment is atomic: 50 parallel increments return 1..50 once each', async () => {
      const k = key('parallel');
      const counts = await Promise.all(Array.from({ length: 50 }, () => store().increment(k, minute, Date.now())));
      expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect((await store().get(k, Date.now()))?.count).toBe(50);
    });

    it('decrement gives one back, never below zero, and parallel refunds all land', async () => {
      const k = key('refund');
      for (let i = 0; i < 3; i++) await store().increment(k, minute, Date.now());
      await store().decrement(k, Date.now());
      expect((await store().get(k, Date.now()))?.count).toBe(2);
      await Promise.all(Array.from({ length: 5 }, () => store().decrement(k, Date.now())));
      expect((await store().get(k, Date.now()))?.count ?? 0).toBe(0);
      expect((await store().increment(k, minute, Date.now())).count).toBe(1);

      const mixed = key('mixed');
      for (let i = 0; i < 10; i++) await store().increment(mixed, minute, Date.now());
      await Promise.all([
        ...Array.from({ length: 20 }, () => store().increment(mixed, minute, Date.now())),
        ...Array.from({ length: 10 }, () => store().decrement(mixed, Date.now())),
      ]);
      expect((await store().get(mixed, Date.now()))?.count).toBe(20);
    });

    it('decrement of an unknown or reset key does nothing (it never starts a window)', async () => {
      const k = key('none');
      await store().decrement(k, Date.now());
      expect(await store().get(k, Date.now())).toBeUndefined();
      await store().increment(k, minute, Date.now());
      await store().reset(k);
      await store().decrement(k, Date.now());
      expect(await store().get(k, Date.now())).toBeUndefined();
      expect((await store().increment(k, minute, Date.now())).count).toBe(1);
    });

    it('reset forgets the key', async () => {
      const k = key('reset');
      await store().increment(k, minute, Date.now());
      await store().increment(k, minute, Date.now());
      await store().reset(k);
      expect(await store().get(k, Date.now())).toBeUndefined();
      await store().reset(key('never-seen'));
    });

    it('a window ends: the key reads as unknown and the next increment starts again at 1', async () => {
      const k = key('expiry');
      await store().increment(k, 200, Date.now());
      await store().increment(k, 200, Date.now());
      await sleep(350);
      expect(await store().get(k, Date.now())).toBeUndefined();
      await store().decrement(k, Date.now());
      const next = await store().increment(k, minute, Date.now());
      expect(next.count).toBe(1);
      expect(next.resetAt).toBeGreaterThan(Date.now() + minute - 5_000);
    });
  });
}
