/**
 * Verification codes (docs/security.md#verification-codes): 6 digits from a CSPRNG without modulo bias, stored as a hash bound
 * to the email, compared in constant time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VerificationCodeHasher, generateVerificationCode, hashVerificationCode, randomCodeSecret, timingSafeEqualString } from './verification-code';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes crypto.getRandomValues yield these 32-bit values, one per call. */
function feedRandom(...values: number[]) {
  const queue = [...values];
  return vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    const next = queue.shift();
    if (next === undefined) throw new Error('no more random values');
    (array as unknown as Uint32Array)[0] = next;
    return array;
  });
}

describe('generateVerificationCode', () => {
  it('returns six ASCII digits', () => {
    for (let i = 0; i < 200; i++) expect(generateVerificationCode()).toMatch(/^[0-9]{6}$/);
  });

  it('draws from the CSPRNG: many distinct codes, every digit used', () => {
    const codes = Array.from({ length: 500 }, generateVerificationCode);
    expect(new Set(codes).size).toBeGreaterThan(490);
    expect(new Set(codes.join('')).size).toBe(10);
  });

  it('keeps leading zeros', () => {
    feedRandom(42);
    expect(generateVerificationCode()).toBe('000042');
    feedRandom(0);
    expect(generateVerificationCode()).toBe('000000');
  });

  it('maps the random value modulo one million', () => {
    feedRandom(4_293_999_999);
    expect(generateVerificationCode()).toBe('999999');
  });

  it('rejects values at or above the largest multiple of a million below 2^32 (no modulo bias)', () => {
    const spy = feedRandom(4_294_000_000, 4_294_967_295, 123_456);
    expect(generateVerificationCode()).toBe('123456');
    expect(spy).toHaveBeenCalledTimes(3);
  });
});

describe('hashVerificationCode', () => {
  const secret = 'a-server-secret-of-at-least-32-bytes!!';
  const hash = (email: string, code: string, key: string | Uint8Array = secret) => hashVerificationCode(email, code, key);

  it('is 64 hex characters, deterministic for one secret, and never contains the code', async () => {
    const stored = await hash('ada@example.com', '123456');
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(await hash('ada@example.com', '123456')).toBe(stored);
    expect(await new VerificationCodeHasher(secret).hash('ada@example.com', '123456')).toBe(stored);
    expect(stored).not.toContain('123456');
  });

  it('differs for another code', async () => {
    expect(await hash('ada@example.com', '123456')).not.toBe(await hash('ada@example.com', '123457'));
  });

  it('is bound to the email: the same code for another address hashes differently', async () => {
    expect(await hash('ada@example.com', '123456')).not.toBe(await hash('eve@example.com', '123456'));
  });

  it('normalises the email (trim, lower case), as it is stored', async () => {
    expect(await hash('  Ada@Example.COM ', '123456')).toBe(await hash('ada@example.com', '123456'));
  });

  it('is keyed: without the secret the stored value cannot be recomputed (another secret, or the old unkeyed SHA-256, gives another value)', async () => {
    const stored = await hash('ada@example.com', '123456');
    expect(await hash('ada@example.com', '123456', 'another-server-secret-of-32-bytes-or-more')).not.toBe(stored);
    const sha = async (text: string) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(stored).not.toBe(await sha('userkit-verification:ada@example.com:123456'));
    expect(stored).not.toBe(await sha('123456'));
    // The key is derived from the secret, not the secret itself: an HMAC under the raw secret differs.
    const raw = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const direct = new Uint8Array(await crypto.subtle.sign('HMAC', raw, new TextEncoder().encode('userkit-verification:ada@example.com:123456')));
    expect(stored).not.toBe([...direct].map((b) => b.toString(16).padStart(2, '0')).join(''));
  });

  it('takes text or bytes as the secret, and refuses one shorter than 32 bytes', async () => {
    expect(await hash('ada@example.com', '1', new TextEncoder().encode(secret))).toBe(await hash('ada@example.com', '1'));
    expect(() => new VerificationCodeHasher('too short')).toThrow(RangeError);
    expect(() => new VerificationCodeHasher(new Uint8Array(31))).toThrow(RangeError);
    expect(randomCodeSecret()).toHaveLength(32);
  });
});

describe('timingSafeEqualString', () => {
  it('is true only for equal strings', () => {
    expect(timingSafeEqualString('', '')).toBe(true);
    expect(timingSafeEqualString('abcdef', 'abcdef')).toBe(true);
    expect(timingSafeEqualString('abcdef', 'abcdeg')).toBe(false);
    expect(timingSafeEqualString('bbcdef', 'abcdef')).toBe(false);
  });

  it('is false for different lengths, including a prefix', () => {
    expect(timingSafeEqualString('abc', 'abcd')).toBe(false);
    expect(timingSafeEqualString('abcd', 'abc')).toBe(false);
    expect(timingSafeEqualString('', 'a')).toBe(false);
  });

  it('compares whole UTF-16 units', () => {
    expect(timingSafeEqualString('é', 'é')).toBe(true);
    expect(timingSafeEqualString('\u0100', '\u0000')).toBe(false);
  });
});
