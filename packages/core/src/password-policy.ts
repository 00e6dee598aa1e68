/**
 * The password rules of docs/security.md#passwords (NIST SP 800-63B, OWASP ASVS 5.0): NFKC-normalised, at least
 * `minLength` characters, at most 72 UTF-8 bytes (bcrypt's limit: rejected, never truncated),
 * not the email, not a common password. Checked before any hashing.
 */
import { commonPasswords } from './common-passwords';
import { UserkitError } from './errors';
import { unpairedSurrogate } from './storable-text';

const utf8 = new TextEncoder();

/** bcrypt reads at most this many bytes; longer passwords are refused. */
export const maxPasswordBytes = 72;

export interface PasswordPolicyOptions {
  /** At least 8 (the default); may only be raised. */
  minLength?: number;
  /** Extra passwords to refuse (compared lower-cased). */
  extraBlocklist?: Iterable<string>;
}

/**
 * Checks passwords and returns their normalised form (what gets hashed).
 *
 * @example
 * ```ts
 * const policy = new PasswordPolicy({ minLength: 10 });
 * const normalised = policy.check('correct horse battery', 'me@example.com');
 * ```
 */
export class PasswordPolicy {
  readonly minLength: number;
  readonly #blocklist: ReadonlySet<string>;

  constructor(options: PasswordPolicyOptions = {}) {
    this.minLength = Math.max(8, options.minLength ?? 8);
    const extra = [...(options.extraBlocklist ?? [])].map((p) => p.normalize('NFKC').toLowerCase());
    this.#blocklist = extra.length > 0 ? new Set([...commonPasswords, ...extra]) : commonPasswords;
  }

  /** NFKC form of a password, as hashed and compared. */
  normalize(password: string): string {
    return password.normalize('NFKC');
  }

  /**
   * The normalised form of a password offered to sign in (login, `current_password`), or undefined
   * when no stored password can be it: over {@link maxPasswordBytes} bytes after NFKC. bcrypt reads
   * only the first 72 bytes, so checking a longer candidate would accept any suffix of a 72-byte
   * password; callers treat undefined as a wrong password (and still spend the hash, for timing).
   */
  candidate(password: string): string | undefined {
    if (password.length > maxPasswordBytes * 4) return undefined;
    const normalised = this.normalize(password);
    return utf8.encode(normalised).length > maxPasswordBytes ? undefined : normalised;
  }

  /**
   * Returns the normalised password, or throws WEAK_PASSWORD with a message saying which rule failed.
   * The byte length is checked on the raw string first, so an oversized input costs nothing more.
   */
  check(password: string, email?: string | null, path = 'password'): string {
    const weak = (detail: string) => weakPassword(detail, path);
    // Refuse obviously oversized input before normalising it (NFKC may shrink decomposed input,
    // so the cheap bound is generous; the exact byte check follows on the normalised form).
    if (password.length > maxPasswordBytes * 4) throw weak(`Password must be at most ${maxPasswordBytes} bytes`);
    // An unpaired surrogate has no UTF-8 form: it would be hashed as U+FFFD, so two different
    // inputs would match one hash.
    if (unpairedSurrogate.test(password)) throw weak('Password must not contain broken Unicode (an unpaired surrogate)');
    const normalised = this.normalize(password);
    if (utf8.encode(normalised).length > maxPasswordBytes) throw weak(`Password must be at most ${maxPasswordBytes} bytes`);
    if ([...normalised].length < this.minLength) throw weak(`Password must be at least ${this.minLength} characters`);
    const lower = normalised.toLowerCase();
    if (email && lower === email.trim().toLowerCase()) throw weak('Password must not be your email address');
    if (this.#blocklist.has(lower)) throw weak('This password is too common; choose another');
    return normalised;
  }
}

function weakPassword(detail: string, path: string): UserkitError {
  return new UserkitError('WEAK_PASSWORD', { detail, errors: [{ path, message: detail, code: 'weak_password' }] });
}
