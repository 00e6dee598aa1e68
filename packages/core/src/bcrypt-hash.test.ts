import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { bcryptCost, isBcryptHash } from './bcrypt-hash';

describe('bcrypt hash shape', () => {
  it('isBcryptHash: known variants, a cost in range (10..16 by default) and the canonical salt and digest encoding', () => {
    const real = bcrypt.hashSync('correct horse', 10);
    expect(isBcryptHash(real)).toBe(true);
    expect(isBcryptHash(real.replace('$2b$', '$2a$'))).toBe(true);
    expect(isBcryptHash(real.replace('$2b$', '$2y$'))).toBe(true);
    expect(isBcryptHash(real.replace('$2b$', '$2x$'))).toBe(false);
    for (const cost of ['00', '04', '09', '17', '31', '99']) expect(isBcryptHash(real.replace('$10$', `$${cost}$`)), cost).toBe(false);
    expect(isBcryptHash(real.replace('$10$', '$16$'))).toBe(true);
    expect(isBcryptHash(real.replace('$10$', '$20$'), { min: 10, max: 20 })).toBe(true);
    // Bits bcrypt never sets: the 22nd salt character and the last digest character.
    expect(isBcryptHash(`${real.slice(0, 28)}b${real.slice(29)}`)).toBe(false);
    expect(isBcryptHash(`${real.slice(0, 59)}b`)).toBe(false);
    expect(isBcryptHash(`${real.slice(0, 59)}!`)).toBe(false);
    expect(bcryptCost(real)).toBe(10);
  });
});
