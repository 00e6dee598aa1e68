/**
 * Rate limiting (SPEC 7): a pluggable counter store with fixed windows. The in-memory store is the
 * default; a shared store (Redis, the database) lets several processes count together.
 */

/** A counter's state after a change. */
export interface RateLimitCount {
  count: number;
  /** When the window ends (ms since epoch). */
  resetAt: number;
}

/**
 * Counts events per key in fixed windows.
 * `increment` adds one and returns the count in the current window (starting one if none);
 * `get` returns the current count without changing it; `reset` forgets the key.
 */
export interface RateLimitStore {
  increment(key: string, windowMs: number, now: number): Promise<RateLimitCount>;
  get(key: string, now: number): Promise<RateLimitCount | undefined>;
  reset(key: string): Promise<void>;
}

/**
 * The in-memory store (one process). Expired windows are swept as keys are touched.
 *
 * @example
 * ```ts
 * createUserkitHandler({ ..., rateLimitStore: new MemoryRateLimitStore() });
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #counts = new Map<string, RateLimitCount>();
  readonly #maxKeys: number;

  constructor(options: { maxKeys?: number } = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  async increment(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const current = await this.get(key, now);
    const next = current ? { count: current.count + 1, resetAt: current.resetAt } : { count: 1, resetAt: now + windowMs };
    if (!current && this.#counts.size >= this.#maxKeys) this.#sweep(now);
    this.#counts.set(key, next);
    return { ...next };
  }

  async get(key: string, now: number): Promise<RateLimitCount | undefined> {
    const current = this.#counts.get(key);
    if (current && current.resetAt <= now) {
      this.#counts.delete(key);
      return undefined;
    }
    return current ? { ...current } : undefined;
  }

  async reset(key: string): Promise<void> {
    this.#counts.delete(key);
  }

  #sweep(now: number): void {
    for (const [key, value] of this.#counts) if (value.resetAt <= now) this.#counts.delete(key);
    // Still full: drop the oldest entries (Map keeps insertion order).
    for (const key of this.#counts.keys()) {
      if (this.#counts.size < this.#maxKeys) break;
      this.#counts.delete(key);
    }
  }
}

/** A limit: at most `max` events per `windowMs`. */
export interface RateLimitRule {
  max: number;
  windowMs: number;
}

/** Limits per bucket and key kind (SPEC 7 defaults). */
export interface RateLimits {
  /** Failed sign-ins per account and per client address. */
  login: { perAccount: RateLimitRule; perAddress: RateLimitRule };
  /** Verification attempts per address (each code also dies after 5 wrong tries). */
  verifyEmail: { perAddress: RateLimitRule };
  /** Requests that email a code (register, resend) per account and per address. */
  sendCode: { perAccount: RateLimitRule; perAddress: RateLimitRule };
}

const fifteenMinutes = 15 * 60_000;

export const defaultRateLimits: RateLimits = {
  login: { perAccount: { max: 10, windowMs: fifteenMinutes }, perAddress: { max: 50, windowMs: fifteenMinutes } },
  verifyEmail: { perAddress: { max: 30, windowMs: fifteenMinutes } },
  sendCode: { perAccount: { max: 5, windowMs: 60 * 60_000 }, perAddress: { max: 30, windowMs: fifteenMinutes } },
};
