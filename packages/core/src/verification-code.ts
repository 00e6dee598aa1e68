/**
 * One-time verification codes: 6 digits from a CSPRNG, stored as an HMAC under a server secret,
 * bound to the email, compared in constant time. Uses Web Crypto, so it runs wherever the core runs.
 */

/** Six random digits, uniformly drawn (rejection sampling, no modulo bias). */
export function generateVerificationCode(): string {
  const buf = new Uint32Array(1);
  const limit = 4_294_000_000; // largest multiple of 1e6 below 2^32
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    const n = buf[0] as number;
    if (n < limit) return String(n % 1_000_000).padStart(6, '0');
  }
}

/** A server secret for verification codes: at least 32 bytes (text is read as UTF-8). */
export type CodeSecret = string | Uint8Array;

const encoder = new TextEncoder();

type HmacKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/**
 * Keys the stored form of verification codes (docs/decisions.md, "Throttling and secrets"): an
 * HMAC-SHA-256 over the normalised email and the code, under a key derived from a server secret.
 * A plain hash would give the code back to anyone who reads the table (there are only 10^6 codes to
 * try); without the secret, the stored value says nothing. The key is derived (HMAC of the secret
 * over a fixed label), so the same secret may also sign JWTs without the two uses ever meeting.
 *
 * @example
 * ```ts
 * const codes = new VerificationCodeHasher(process.env.USERKIT_JWT_SECRET!);
 * const stored = await codes.hash('ada@example.com', '123456');
 * ```
 */
export class VerificationCodeHasher {
  readonly #key: Promise<HmacKey>;

  constructor(secret: CodeSecret) {
    const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) throw new RangeError('codeSecret must be at least 32 bytes');
    this.#key = deriveKey(bytes);
    // A rejected key surfaces at the first hash(); never as an unhandled rejection here.
    this.#key.catch(() => {});
  }

  /**
   * The stored form of `code` mailed to `email` (64 hex characters); a code only verifies the
   * address it was mailed to, and only for its `purpose` (a verification code's hash never equals
   * the same digits' password-reset hash).
   */
  async hash(email: string, code: string, purpose: 'verification' | 'password-reset' = 'verification'): Promise<string> {
    const label = purpose === 'verification' ? 'userkit-verification' : `userkit-${purpose}`;
    const data = encoder.encode(`${label}:${email.trim().toLowerCase()}:${code}`);
    return hex(await globalThis.crypto.subtle.sign('HMAC', await this.#key, data));
  }
}

/** The stored form of a code under `secret` (see {@link VerificationCodeHasher}, which keeps its key). */
export async function hashVerificationCode(email: string, code: string, secret: CodeSecret): Promise<string> {
  return new VerificationCodeHasher(secret).hash(email, code);
}

/** 32 random bytes: the secret of a service given none (codes then verify only in this process). */
export function randomCodeSecret(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

async function deriveKey(secret: Uint8Array): Promise<HmacKey> {
  const subtle = globalThis.crypto.subtle;
  const master = await subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const derived = await subtle.sign('HMAC', master, encoder.encode('userkit verification-code key v1'));
  return subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Constant-time equality of two strings of the same length (hashes). */
export function timingSafeEqualString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
