/**
 * Applies the rate limits around the routes that carry a `rateLimit` bucket: sign-in failures per
 * account and per address, code checks per address, code sends per account and per address.
 *
 * Reserve first (docs/decisions.md, "Throttling and secrets"): a request takes its slot in every bucket with
 * one atomic `increment` *before* the guarded work runs, and is refused when that takes a bucket
 * over its limit. A check-then-count design let a parallel burst through: every request of the
 * burst read the same count before any failure was recorded. The slot is given back afterwards when
 * the request turned out not to be what the bucket counts: a sign-in that succeeded, a code that
 * verified, a send that failed, or any request that ended before the check (a bad body, an outage).
 */
import type { RateLimitBucket } from './contract';
import { UserkitError, isUserkitError, type ErrorCode } from './errors';
import { resolveRateLimits, type RateLimitRule, type RateLimitSettings, type RateLimitStore, type ResolvedRateLimits } from './rate-limit-store';

/** Who is asking: the normalised email of the body (if any) and the client address. */
export interface RateLimitSubject {
  email?: string | undefined;
  address: string;
}

interface Slot {
  key: string;
  kind: 'account' | 'address';
}

/** The error that means "the attempt was made and failed" per bucket: it keeps its slot. */
const counted: Partial<Record<RateLimitBucket, ErrorCode>> = { login: 'INVALID_CREDENTIALS', 'verify-email': 'INVALID_VERIFICATION_CODE' };

export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #limits: ResolvedRateLimits;
  readonly #now: () => number;

  constructor(store: RateLimitStore, limits?: RateLimitSettings, now: () => number = Date.now) {
    this.#store = store;
    this.#limits = resolveRateLimits(limits);
    this.#now = now;
  }

  /** Runs `operation` under the bucket's limits; throws RATE_LIMITED with `retryAfter` when over. */
  async run<T>(bucket: RateLimitBucket, subject: RateLimitSubject, operation: () => Promise<T>): Promise<T> {
    const rules = this.#rules(bucket, subject);
    if (rules.length === 0) return operation();
    const now = this.#now();
    const slots: Slot[] = [];
    for (const { slot, rule } of rules) {
      let count: Awaited<ReturnType<RateLimitStore['increment']>>;
      try {
        count = await this.#store.increment(slot.key, rule.windowMs, now);
      } catch (error) {
        // The store is down (Redis unreachable): the limit cannot be checked, so the request is
        // refused as a temporary outage (503, retry later), not as a bug of ours (500).
        await this.#refund(slots, now);
        throw new UserkitError('SERVICE_UNAVAILABLE', { detail: 'Rate limits cannot be checked right now', retryAfter: 5, cause: error });
      }
      // A refused request keeps the slots it took: hammering past the limit is still counted.
      if (count.count > rule.max) throw limited(count.resetAt - now);
      slots.push(slot);
    }
    let result: T;
    try {
      result = await operation();
    } catch (error) {
      const code = counted[bucket];
      if (!(code !== undefined && isUserkitError(error, code))) await this.#refund(slots, now);
      throw error;
    }
    if (bucket === 'login') {
      // A success clears the account's failures and was not a failure from this address.
      await settle(slots.map((slot) => (slot.kind === 'account' ? this.#store.reset(slot.key) : this.#store.decrement(slot.key, now))));
    } else if (bucket === 'verify-email') {
      await this.#refund(slots, now);
    }
    // send-code: a request that succeeded sent a code (or, for resend to an unknown address, answered
    // exactly as if it had: counting it too keeps a 429 from revealing which addresses exist).
    return result;
  }

  #rules(bucket: RateLimitBucket, subject: RateLimitSubject): { slot: Slot; rule: RateLimitRule }[] {
    const limits: { perAccount?: RateLimitRule | undefined; perAddress?: RateLimitRule | undefined } =
      bucket === 'login' ? this.#limits.login : bucket === 'verify-email' ? this.#limits.verifyEmail : this.#limits.sendCode;
    const out: { slot: Slot; rule: RateLimitRule }[] = [];
    if (limits.perAddress) out.push({ slot: { key: `${bucket}:address:${subject.address}`, kind: 'address' }, rule: limits.perAddress });
    const perAccount = limits.perAccount;
    if (perAccount && subject.email) out.push({ slot: { key: `${bucket}:account:${subject.email}`, kind: 'account' }, rule: perAccount });
    return out;
  }

  async #refund(slots: Slot[], now: number): Promise<void> {
    await settle(slots.map((slot) => this.#store.decrement(slot.key, now)));
  }
}

/**
 * Waits for refunds and resets without letting them fail the request: the answer is already
 * decided, and a refund lost to a store hiccup only leaves one extra count until the window ends.
 */
async function settle(work: Promise<void>[]): Promise<void> {
  await Promise.allSettled(work);
}

function limited(ms: number): UserkitError {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new UserkitError('RATE_LIMITED', { detail: `Too many attempts; try again in ${retryAfter} seconds`, retryAfter });
}
