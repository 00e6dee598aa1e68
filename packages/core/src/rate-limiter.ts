/**
 * Applies {@link RateLimits} around the routes that carry a `rateLimit` bucket: sign-in failures
 * per account and per address, code checks per address, code sends per account and per address.
 */
import type { RateLimitBucket } from './contract';
import { UserkitError, isUserkitError } from './errors';
import { defaultRateLimits, type RateLimitRule, type RateLimitStore, type RateLimits } from './rate-limit-store';

/** Who is asking: the normalised email of the body (if any) and the client address. */
export interface RateLimitSubject {
  email?: string | undefined;
  address: string;
}

export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #limits: RateLimits;
  readonly #now: () => number;

  constructor(store: RateLimitStore, limits: Partial<RateLimits> = {}, now: () => number = Date.now) {
    this.#store = store;
    this.#limits = { ...defaultRateLimits, ...limits };
    this.#now = now;
  }

  /** Runs `operation` under the bucket's limits; throws RATE_LIMITED with `retryAfter` when over. */
  async run<T>(bucket: RateLimitBucket, subject: RateLimitSubject, operation: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const account = subject.email ? `${bucket}:account:${subject.email}` : undefined;
    const address = `${bucket}:address:${subject.address}`;
    if (bucket === 'login') {
      const { perAccount, perAddress } = this.#limits.login;
      await this.#check(address, perAddress, now);
      if (account) await this.#check(account, perAccount, now);
      try {
        const result = await operation();
        if (account) await this.#store.reset(account);
        return result;
      } catch (error) {
        if (isUserkitError(error, 'INVALID_CREDENTIALS')) {
          await this.#store.increment(address, perAddress.windowMs, now);
          if (account) await this.#store.increment(account, perAccount.windowMs, now);
        }
        throw error;
      }
    }
    if (bucket === 'verify-email') {
      await this.#count(address, this.#limits.verifyEmail.perAddress, now);
      return operation();
    }
    await this.#count(address, this.#limits.sendCode.perAddress, now);
    if (account) await this.#count(account, this.#limits.sendCode.perAccount, now);
    return operation();
  }

  /** Refuses when the key already used up its window. */
  async #check(key: string, rule: RateLimitRule, now: number): Promise<void> {
    const count = await this.#store.get(key, now);
    if (count && count.count >= rule.max) throw limited(count.resetAt - now);
  }

  /** Counts this request, refusing it when it goes over. */
  async #count(key: string, rule: RateLimitRule, now: number): Promise<void> {
    const count = await this.#store.increment(key, rule.windowMs, now);
    if (count.count > rule.max) throw limited(count.resetAt - now);
  }
}

function limited(ms: number): UserkitError {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new UserkitError('RATE_LIMITED', { detail: `Too many attempts; try again in ${retryAfter} seconds`, retryAfter });
}
