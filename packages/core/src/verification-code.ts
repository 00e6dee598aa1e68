/**
 * One-time verification codes (SPEC 7): 6 digits from a CSPRNG, stored as a SHA-256 hash bound to
 * the user, compared in constant time. Uses Web Crypto, so it runs wherever the core runs.
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

/**
 * The stored form of a code: hex SHA-256 over the (normalised) email it was sent to and the code,
 * so a code only ever verifies the address it was mailed to.
 */
export async function hashVerificationCode(email: string, code: string): Promise<string> {
  const data = new TextEncoder().encode(`userkit-verification:${email.trim().toLowerCase()}:${code}`);
  const digest = await globalThis.crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Constant-time equality of two strings of the same length (hashes). */
export function timingSafeEqualString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
