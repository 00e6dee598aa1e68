/**
 * Rate limiting (docs/decisions.md, "Throttling and secrets"): a pluggable counter store with fixed windows.
 * The in-memory store is the default; a shared store (`@userkit/redis`, or your own) lets several
 * processes count together. Every store should pass the conformance suite in
 * `packages/core/src/testing/rate-limit-store.case.ts`.
 */

/** A counter's state after a change. */
export interface RateLimitCount {
  count: number;
  /** When the window ends (ms since epoch). */
  resetAt: number;
}

/**
 * Counts events per key in fixed windows.
 *
 * - `increment` adds one and returns the count in the current window (starting one if none). It
 *   must be atomic: the limiter reserves a slot with it *before* the guarded work runs, so two
 *   parallel requests must never both see the same count.
 * - `decrement` gives one back (a refunded reservation): never below zero, and nothing at all when
 *   the key has no live window (it expired or was reset meanwhile).
 * - `get` returns the current count without changing it; `reset` forgets the key.
 *
 * `now` is the caller's clock; a store with its own clock (Redis expiry) may use that instead.
 */
export interface RateLimitStore {
  increment(key: string, windowMs: number, now: number): Promise<RateLimitCount>;
  decrement(key: string, now: number): Promise<void>;
  get(key: string, now: number): Promise<RateLimitCount | undefined>;
  reset(key: string): Promise<void>;
}

/**
 * The in-memory store (one process). Expired windows are swept as keys are touched. Each method
 * finishes its read and write without awaiting in between, so it is atomic within the process.
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
    const current = this.#live(key, now);
    const next = current ? { count: current.count + 1, resetAt: current.resetAt } : { count: 1, resetAt: now + windowMs };
    if (!current && this.#counts.size >= this.#maxKeys) this.#sweep(now);
    this.#counts.set(key, next);
    return { ...next };
  }

  async decrement(key: string, now: number): Promise<void> {
    const current = this.#live(key, now);
    if (current && current.count > 0) current.count -= 1;
  }

  async get(key: string, now: number): Promise<RateLimitCount | undefined> {
    const current = this.#live(key, now);
    return current ? { ...current } : undefined;
  }

  async reset(key: string): Promise<void> {
    this.#counts.delete(key);
  }

  #live(key: string, now: number): RateLimitCount | undefined {
    const current = this.#counts.get(key);
    if (current && current.resetAt <= now) {
      this.#counts.delete(key);
      return undefined;
    }
    return current;
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

/** Limits per bucket and key kind (the defaults are in docs/decisions.md). */
export interface RateLimits {
  /** Failed sign-ins per account and per client address. */
  login: { perAccount: RateLimitRule; perAddress: RateLimitRule };
  /** Verification attempts per address (each code also dies after 5 wrong tries). */
  verifyEmail: { perAddress: RateLimitRule };
  /** Requests that email a code (register, resend) per account and per address. */
  sendCode: { perAccount: RateLimitRule; perAddress: RateLimitRule };
}

/**
 * The `rateLimits` handler option: `false` turns every limit off (e.g. an end-to-end test
 * environment); per bucket, `false` turns the bucket off; per rule, a rule replaces the default
 * and `false` turns that rule off. What is not named keeps its default.
 *
 * @example
 * ```ts
 * createUserkitHandler({ ..., rateLimits: { login: { perAccount: { max: 5, windowMs: 900_000 } }, sendCode: false } });
 * ```
 */
export type RateLimitSettings =
  | false
  | { [B in keyof RateLimits]?: false | { [K in keyof RateLimits[B]]?: RateLimitRule | false } };

/** The rules in force: a missing rule is off. */
export type ResolvedRateLimits = { [B in keyof RateLimits]: { [K in keyof RateLimits[B]]?: RateLimitRule } };

const fifteenMinutes = 15 * 60_000;

export const defaultRateLimits: RateLimits = {
  login: { perAccount: { max: 10, windowMs: fifteenMinutes }, perAddress: { max: 50, windowMs: fifteenMinutes } },
  verifyEmail: { perAddress: { max: 30, windowMs: fifteenMinutes } },
  sendCode: { perAccount: { max: 5, windowMs: 60 * 60_000 }, perAddress: { max: 30, windowMs: fifteenMinutes } },
};

/** Merges {@link RateLimitSettings} over the defaults; throws RangeError on a malformed rule. */
export function resolveRateLimits(settings: RateLimitSettings | undefined): ResolvedRateLimits {
  const out: ResolvedRateLimits = { login: {}, verifyEmail: {}, sendCode: {} };
  if (settings === false) return out;
  for (const bucket of Object.keys(defaultRateLimits) as (keyof RateLimits)[]) {
    const given = settings?.[bucket];
    if (given === false) continue;
    const defaults: Record<string, RateLimitRule> = { ...defaultRateLimits[bucket] };
    const target: Record<string, RateLimitRule> = out[bucket];
    for (const [kind, rule] of Object.entries(defaults)) {
      const override: RateLimitRule | false | undefined = (given as Record<string, RateLimitRule | false | undefined> | undefined)?.[kind];
      if (override === false) continue;
      const chosen = override ?? rule;
      if (!Number.isInteger(chosen.max) || chosen.max < 0 || !Number.isFinite(chosen.windowMs) || chosen.windowMs <= 0) {
        throw new RangeError(`rateLimits.${bucket}.${kind} needs an integer max of at least 0 and a positive windowMs`);
      }
      target[kind] = { max: chosen.max, windowMs: chosen.windowMs };
    }
  }
  return out;
}
