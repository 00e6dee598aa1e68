/**
 * bcrypt through bcryptjs (SPEC 7): cost 12 by default, never below 10; weaker hashes are reported
 * by `needsRehash` so the service re-hashes them at the next login.
 */
import bcrypt from 'bcryptjs';
import { bcryptCost, bcryptHashPattern } from './bcrypt-hash';
import type { PasswordHasher } from './password-hasher';


export interface BcryptPasswordHasherOptions {
  /** Work factor, 10..31. Default 12. */
  cost?: number;
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

  constructor(options: BcryptPasswordHasherOptions = {}) {
    const cost = options.cost ?? 12;
    if (!Number.isInteger(cost) || cost < 10 || cost > 31) throw new RangeError('bcrypt cost must be an integer from 10 to 31');
    this.cost = cost;
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (!bcryptHashPattern.test(hash)) return false;
    return bcrypt.compare(password, hash);
  }

  needsRehash(hash: string): boolean {
    const cost = bcryptCost(hash);
    return cost === undefined || cost < this.cost;
  }
}
