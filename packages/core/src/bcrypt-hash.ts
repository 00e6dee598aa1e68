/** The shape of a bcrypt hash (no bcrypt code: safe for browser bundles). */

/** `$2a$`, `$2b$` or `$2y$`, a two-digit cost, 53 characters of salt and hash. */
export const bcryptHashPattern = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/**
 * bcrypt's own cost limits: below 4 bcrypt refuses to run; 31 is the largest a hash can name (and
 * would keep a CPU busy for days, which is why hashers accept far less; see {@link defaultBcryptCosts}).
 */
export const bcryptCostLimits = { min: 4, max: 31 } as const;

/** A range of bcrypt costs. */
export interface BcryptCostRange {
  min: number;
  max: number;
}

/**
 * Costs the hashers produce and imports may bring: 10 (the floor of the password rules) to 16
 * (about 64 times the default cost 12's work; one check of a cost-31 hash would take a day).
 */
export const defaultBcryptCosts: BcryptCostRange = { min: 10, max: 16 };

/** The cost encoded in a bcrypt hash, or undefined when it is not one. */
export function bcryptCost(hash: string): number | undefined {
  const match = bcryptHashPattern.exec(hash);
  return match ? Number(match[1]) : undefined;
}

// bcrypt's base64: a 16-byte salt in 22 characters leaves the last one 4 unused bits, a 23-byte
// digest in 31 characters leaves 2; bcrypt writes them as zero, so only these characters end each.
const canonicalSaltEnd = /^[.Oeu]$/;
const canonicalDigestEnd = /^[.CGKOSWaeimquy26]$/;

/**
 * True for a bcrypt hash a real bcrypt wrote: a known variant (`2a`, `2b`, `2y`), a cost within
 * `costs`, and a salt and digest in bcrypt's canonical encoding.
 */
export function isBcryptHash(hash: string, costs: BcryptCostRange = defaultBcryptCosts): boolean {
  const cost = bcryptCost(hash);
  if (cost === undefined || cost < costs.min || cost > costs.max) return false;
  return canonicalSaltEnd.test(hash.charAt(7 + 21)) && canonicalDigestEnd.test(hash.charAt(hash.length - 1));
}

/** The checked `cost` and `maxCost` of a hasher's options (shared by both bcrypt hashers). */
export function bcryptCostOptions(options: { cost?: number | undefined; maxCost?: number | undefined }): { cost: number; maxCost: number } {
  const cost = options.cost ?? 12;
  if (!Number.isInteger(cost) || cost < defaultBcryptCosts.min || cost > bcryptCostLimits.max) throw new RangeError('bcrypt cost must be an integer from 10 to 31');
  const maxCost = options.maxCost ?? Math.max(defaultBcryptCosts.max, cost);
  if (!Number.isInteger(maxCost) || maxCost < cost || maxCost > bcryptCostLimits.max) throw new RangeError('bcrypt maxCost must be an integer from cost to 31');
  return { cost, maxCost };
}

/** True when `verify` may run bcrypt on `hash`: its shape, and a cost bcrypt accepts up to `maxCost`. */
export function verifiableBcryptHash(hash: string, maxCost: number): boolean {
  const cost = bcryptCost(hash);
  return cost !== undefined && cost >= bcryptCostLimits.min && cost <= maxCost;
}
