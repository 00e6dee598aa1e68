/**
 * The password rules of docs/security.md#passwords: NFKC, at least 8 characters (configurable upward), at most 72
 * UTF-8 bytes (refused, never truncated), not the email, not a common password.
 */
import { describe, expect, it, vi } from 'vitest';
import { commonPasswords } from './common-passwords';
import { isUserkitError, type UserkitError } from './errors';
import { maxPasswordBytes, PasswordPolicy } from './password-policy';

const bytes = (s: string) => new TextEncoder().encode(s).length;

function weakness(policy: PasswordPolicy, password: string, email?: string | null): UserkitError | undefined {
  try {
    policy.check(password, email);
    return undefined;
  } catch (error) {
    if (isUserkitError(error)) return error;
    throw error;
  }
}

describe('PasswordPolicy', () => {
  const policy = new PasswordPolicy();

  it('returns the NFKC form of an accepted password', () => {
    expect(policy.check('correct horse battery', 'me@example.com')).toBe('correct horse battery');
    expect(policy.check('ｃｏｒｒｅｃｔ－ｈｏｒｓｅ')).toBe('correct-horse');
    expect(policy.check('ﬁnal ﬁnal ﬁnal')).toBe('final final final');
    expect(policy.check('cafe\u0301 au lait')).toBe('café au lait');
    expect(policy.normalize('Ａ１')).toBe('A1');
  });

  it('WEAK_PASSWORD carries status 400, a human detail and one error on "password"', () => {
    const error = weakness(policy, 'short');
    expect(error?.code).toBe('WEAK_PASSWORD');
    expect(error?.status).toBe(400);
    expect(error?.detail).toMatch(/at least 8 characters/);
    expect(error?.errors).toEqual([{ path: 'password', message: error?.detail, code: 'weak_password' }]);
  });

  describe('length', () => {
    it('needs at least 8 characters, counted as code points after NFKC', () => {
      expect(weakness(policy, 'k9$mQ2!')?.code).toBe('WEAK_PASSWORD');
      expect(weakness(policy, 'k9$mQ2!z')).toBeUndefined();
      // 8 emoji: 16 UTF-16 units, 8 characters.
      expect(weakness(policy, '😀'.repeat(7))?.code).toBe('WEAK_PASSWORD');
      expect(weakness(policy, '😀'.repeat(8))).toBeUndefined();
      // 4 decomposed letters (8 UTF-16 units) are 4 characters after NFKC.
      expect(weakness(policy, 'e\u0301'.repeat(4))?.code).toBe('WEAK_PASSWORD');
    });

    it('minLength can be raised but never lowered below 8', () => {
      expect(new PasswordPolicy({ minLength: 4 }).minLength).toBe(8);
      expect(weakness(new PasswordPolicy({ minLength: 4 }), 'k9$mQ2!')?.code).toBe('WEAK_PASSWORD');
      const strict = new PasswordPolicy({ minLength: 12 });
      expect(strict.minLength).toBe(12);
      expect(weakness(strict, 'k9$mQ2!zk9$')?.detail).toMatch(/at least 12/);
      expect(weakness(strict, 'k9$mQ2!zk9$m')).toBeUndefined();
    });

    it('accepts exactly 72 UTF-8 bytes and refuses 73, never truncating', () => {
      expect(maxPasswordBytes).toBe(72);
      expect(policy.check('x'.repeat(71) + 'y')).toHaveLength(72);
      expect(weakness(policy, 'x'.repeat(72) + 'y')?.detail).toMatch(/72 bytes/);
      // 24 × € = 72 bytes; 25 × € = 75 bytes although only 25 characters.
      expect(bytes('€'.repeat(24))).toBe(72);
      expect(policy.check('€'.repeat(24))).toBe('€'.repeat(24));
      expect(weakness(policy, '€'.repeat(25))?.code).toBe('WEAK_PASSWORD');
      expect(weakness(policy, '€'.repeat(30))?.code).toBe('WEAK_PASSWORD');
      // 18 × 😀 = 72 bytes; 19 = 76 bytes.
      expect(policy.check('😀'.repeat(18))).toBe('😀'.repeat(18));
      expect(weakness(policy, '😀'.repeat(19))?.code).toBe('WEAK_PASSWORD');
    });

    it('measures the bytes after NFKC (a compatibility character that expands can push a password over)', () => {
      // U+FDFA is one character and 3 bytes but expands under NFKC to 18 characters (33 bytes).
      const expanding = '\uFDFA'.repeat(3);
      expect(bytes(expanding)).toBe(9);
      expect(bytes(expanding.normalize('NFKC'))).toBeGreaterThan(72);
      expect(weakness(policy, expanding)?.code).toBe('WEAK_PASSWORD');
    });

    it('refuses an oversized input before normalising it', () => {
      const huge = '\uFDFA'.repeat(1_000_000);
      const normalize = vi.spyOn(String.prototype, 'normalize');
      try {
        expect(weakness(policy, huge)?.code).toBe('WEAK_PASSWORD');
        expect(normalize).not.toHaveBeenCalled();
      } finally {
        normalize.mockRestore();
      }
    });

    /*
     * Regression: the pre-check `password.length > maxPasswordBytes` compares
     * UTF-16 code units of the *raw* input with the byte limit. Canonical composition can shrink
     * the input: 'ᾂ' typed decomposed (NFD) is 4 code units, but its NFKC form is one 3-byte
     * character. So 24 decomposed 'ᾂ' (96 code units) normalise to exactly 72 bytes, which docs/security.md#passwords
     * allows ("NFKC-normalised; … at most 72 UTF-8 bytes"), yet the policy refuses it. The same
     * password typed precomposed is accepted, so the rule depends on how the keyboard/OS encoded
     * the text. Low impact, but a spec deviation.
     * Fix: make the cheap pre-check a bound that can never refuse a valid password, e.g.
     * `password.length > maxPasswordBytes * 4` (the bound `UserService.authenticate` already uses:
     * composition folds at most 4 UTF-16 units into one character and every character is at least
     * one byte), and keep the exact byte check on the normalised form.
     */
    it('a decomposed (NFD) password whose NFKC form is exactly 72 bytes is accepted like the precomposed one', () => {
      const precomposed = '\u1F82'.repeat(24);
      const decomposed = precomposed.normalize('NFD');
      expect(decomposed.length).toBe(96);
      expect(bytes(precomposed)).toBe(72);
      expect(policy.check(precomposed)).toBe(precomposed);
      expect(weakness(policy, decomposed)).toBeUndefined();
    });
  });

  describe('email', () => {
    it('refuses the email, in any letter case and with surrounding space in the email', () => {
      expect(weakness(policy, 'someone@example.com', 'someone@example.com')?.detail).toMatch(/email/);
      expect(weakness(policy, 'SomeOne@Example.COM', 'someone@example.com')?.code).toBe('WEAK_PASSWORD');
      expect(weakness(policy, 'someone@example.com', '  SOMEONE@example.com ')?.code).toBe('WEAK_PASSWORD');
      expect(weakness(policy, 'ｓｏｍｅｏｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'someone@example.com')?.code).toBe('WEAK_PASSWORD');
    });

    it('accepts a password that merely contains the email, or any password without an email', () => {
      expect(weakness(policy, 'someone@example.com!', 'someone@example.com')).toBeUndefined();
      expect(weakness(policy, 'someone@example.com', null)).toBeUndefined();
      expect(weakness(policy, 'someone@example.com')).toBeUndefined();
    });
  });

  describe('common passwords', () => {
    it('refuses bundled common passwords, case-insensitively and after NFKC', () => {
      for (const common of ['password123', 'PASSWORD123', 'Qwerty123', 'iloveyou', 'ｐａｓｓｗｏｒｄ１２３']) {
        expect(weakness(policy, common)?.detail, common).toMatch(/too common/);
      }
    });

    it('every bundled entry is refused (and none would slip through as too short instead)', () => {
      expect(commonPasswords.size).toBeGreaterThan(100);
      for (const common of commonPasswords) expect(weakness(policy, common)?.code, common).toBe('WEAK_PASSWORD');
    });

    it('takes an extra blocklist, compared lower-cased after NFKC, without losing the bundled one', () => {
      const custom = new PasswordPolicy({ extraBlocklist: ['AcmeCorp2026', 'ｗｉｄｅｇａｄｇｅｔ'] });
      expect(weakness(custom, 'acmecorp2026')?.code).toBe('WEAK_PASSWORD');
      expect(weakness(custom, 'ACMECORP2026')?.code).toBe('WEAK_PASSWORD');
      expect(weakness(custom, 'WideGadget')?.code).toBe('WEAK_PASSWORD');
      expect(weakness(custom, 'password123')?.code).toBe('WEAK_PASSWORD');
      expect(weakness(policy, 'acmecorp2026')).toBeUndefined();
    });
  });
});
