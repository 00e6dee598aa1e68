/**
 * bcrypt through bcryptjs: cost 12 by default, never below 10; weaker hashes are reported by
 * `needsRehash` so the service re-hashes them at the next login. Stored hashes whose cost is past
 * `maxCost` are refused without hashing (one check of a cost-31 hash would take a day).
 */
import bcrypt from 'bcryptjs';
import { bcryptCost, bcryptCostOptions, verifiableBcryptHash } from './bcrypt-hash';
import type { PasswordHasher } from './password-hasher';

export interface BcryptPasswordHasherOptions {
  /** Work factor, 10..31. Default 12. */
  cost?: number;
  /** The highest cost `verify` will compute; a stored hash above it never matches. Default 16, or `cost` if higher. */
  maxCost?: number;
}

/**
 * The default {@link PasswordHasher}.
 *
 * @example
 * ```ts
 * const hasher = new BcryptPasswordHasher({ cost: 12 });
 * const hash = await hasher.hash('correct horse battery');
 * await hasher.verify('correct horse battery', hash); // true
 * ```
 */
export class BcryptPasswordHasher implements PasswordHasher {
  readonly cost: number;
  readonly maxCost: number;

  constructor(options: BcryptPasswordHasherOptions = {}) {
    ({ cost: this.cost, maxCost: this.maxCost } = bcryptCostOptions(options));
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (!verifiableBcryptHash(hash, this.maxCost)) return false;
    return bcrypt.compare(password, hash);
  }

  needsRehash(hash: string): boolean {
    const cost = bcryptCost(hash);
    return cost === undefined || cost < this.cost;
  }
}
