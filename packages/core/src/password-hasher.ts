/** The password hashing port. */
export interface PasswordHasher {
  /** Hashes a password that already passed the password policy. */
  hash(password: string): Promise<string>;
  /** True when `password` matches `hash`; false (never a throw) for a malformed hash. */
  verify(password: string, hash: string): Promise<boolean>;
  /** True when `hash` was made with weaker settings than configured and should be re-hashed. */
  needsRehash(hash: string): boolean;
  /**
   * The highest bcrypt cost `verify` accepts (the bcrypt hashers have it); an import refuses a
   * `password_hash` above it. Absent: imports take costs up to 16.
   */
  readonly maxCost?: number;
}
