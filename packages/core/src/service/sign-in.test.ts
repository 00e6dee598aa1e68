/**
 * Registration and login (`sign-in.ts`).
 * Over the in-memory repository, the memory mailer and a manual clock; a fake hasher
 * (`fake$<password>`) keeps the suite fast, the real bcrypt hasher is used only where bcrypt matters.
 */
import bcrypt from 'bcryptjs';
import { bcryptCost } from '../bcrypt-hash';
import { BcryptPasswordHasher } from '../bcrypt-password-hasher';
import type { UserkitError } from '../errors';
import { hashVerificationCode } from '../verification-code';
import { describe, expect, it, vi } from 'vitest';
import { codeOf, testCodeSecret, createHarness, deferred, errorOf, expectPublicUser, fakeHash, startTime } from '../../test/fixtures';
import { actions, expectRefused, tenMinutes, freshEachTest, h, hasher } from '../../test/service-suite';


freshEachTest();

describe('register', () => {
  const password = 'analytical engine';

  it('creates a pending, unverified customer and returns it without secrets', async () => {
    const user = await h.service.register({ email: '  Ada@Example.COM ', password, name: 'Ada', business_site: 'https://ada.example' });
    expect(user).toMatchObject({
      email: 'ada@example.com',
      user_type: 'customer',
      status: 'pending',
      email_verified: false,
      is_super_admin: false,
      name: 'Ada',
      business_site: 'https://ada.example',
      credits: 0,
      version: 1,
      last_login: null,
      created_at: startTime.toISOString(),
      updated_at: startTime.toISOString(),
    });
    expect(Number.isInteger(user.id) && user.id > 0).toBe(true);
    expectPublicUser(user);
    const row = await h.record(user.id);
    expect(row.password_hash).toBe(fakeHash(password));
    expect(hasher.hash).toHaveBeenCalledTimes(1);
  });

  it('mails a 6-digit code and stores only a hash of it, valid 10 minutes', async () => {
    const user = await h.service.register({ email: 'ada@example.com', password });
    expect(h.mailer.messages).toHaveLength(1);
    const message = h.mailer.messages[0]!;
    expect(message.to).toBe('ada@example.com');
    expect(message.code).toMatch(/^\d{6}$/);
    expect(message.text).toContain(message.code);
    const row = await h.record(user.id);
    expect(row.verification_code).not.toBeNull();
    expect(row.verification_code).not.toBe(message.code);
    expect(row.verification_code).not.toContain(message.code);
    expect(row.verification_code).toBe(await hashVerificationCode('ada@example.com', message.code!, testCodeSecret));
    expect(row.verification_expires).toEqual(new Date(startTime.getTime() + tenMinutes));
    expect(row.verification_attempts).toBe(0);
    expect(user.verification_expires).toBe(new Date(startTime.getTime() + tenMinutes).toISOString());
  });

  it('leaves exactly one "registered" activity entry by the new user', async () => {
    const user = await h.service.register({ email: 'ada@example.com', password });
    expect(h.repository.activity).toEqual([
      { id: expect.any(Number), user_id: user.id, actor_id: user.id, action: 'registered', changes: null, created_at: startTime },
    ]);
  });

  it('EMAIL_TAKEN for an email already used in another letter case; nothing written, nothing mailed', async () => {
    await h.service.register({ email: 'ada@example.com', password });
    const error = await errorOf(h.service.register({ email: 'ADA@Example.Com', password: 'another password' }));
    expect(error.code).toBe('EMAIL_TAKEN');
    expect(error.status).toBe(409);
    expect(h.mailer.messages).toHaveLength(1);
    expect(actions(h)).toEqual(['registered']);
  });

  it('concurrent registrations of one email: exactly one succeeds, the other gets EMAIL_TAKEN', async () => {
    const results = await Promise.all([
      codeOf(h.service.register({ email: 'race@example.com', password })),
      codeOf(h.service.register({ email: 'RACE@example.com', password })),
      codeOf(h.service.register({ email: 'Race@Example.com', password })),
    ]);
    expect(results.sort()).toEqual(['EMAIL_TAKEN', 'EMAIL_TAKEN', 'ok']);
    expect(actions(h)).toEqual(['registered']);
    expect(h.mailer.messages).toHaveLength(1);
  });

  it('USERNAME_TAKEN for a username used in another letter case', async () => {
    await h.service.register({ email: 'a@example.com', password, username: 'Ada_L' });
    expect(await codeOf(h.service.register({ email: 'b@example.com', password, username: 'ada_l' }))).toBe('USERNAME_TAKEN');
    expect(actions(h)).toEqual(['registered']);
  });

  it('VALIDATION_ERROR lists every failing path (bad email and bad business_site together); nothing written or hashed', async () => {
    const error = await errorOf(h.service.register({ email: 'not-an-email', password, business_site: 'ftp://nope', phone: 'call me' }));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.status).toBe(400);
    expect(error.errors?.map((e) => e.path).sort()).toEqual(['business_site', 'email', 'phone']);
    for (const e of error.errors ?? []) expect(e.message).toMatch(/\w/);
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(h.mailer.messages).toEqual([]);
    expect(h.repository.activity).toEqual([]);
    expect((await h.repository.list({ sort: '-created_at', limit: 100 })).total).toBe(0);
  });

  it('VALIDATION_ERROR for a missing email and password, each listed', async () => {
    const error = await errorOf(h.service.register({} as never));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.errors?.map((e) => e.path).sort()).toEqual(['email', 'password']);
  });

  it('rejects unknown fields, including attempts to set role, status, verification or credits', async () => {
    const error = await errorOf(
      h.service.register({ email: 'ada@example.com', password, user_type: 'admin', is_super_admin: true, status: 'active', email_verified: true, credits: 5 } as never),
    );
    expect(error.code).toBe('VALIDATION_ERROR');
    const text = JSON.stringify(error.errors);
    for (const field of ['user_type', 'is_super_admin', 'status', 'email_verified', 'credits']) expect(text).toContain(field);
    expect(await h.repository.findByEmail('ada@example.com')).toBeUndefined();
    expect(hasher.hash).not.toHaveBeenCalled();
  });

  describe('WEAK_PASSWORD (nothing hashed, nothing written)', () => {
    it.each([
      ['shorter than 8 characters', 'a1b2c3d'],
      ['longer than 72 UTF-8 bytes (30 × € = 90 bytes, 30 characters)', '€'.repeat(30)],
      ['73 ASCII bytes', 'x'.repeat(72) + 'y'],
      ['equal to the email', 'someone@example.com'],
      ['equal to the email in another case', 'SomeOne@Example.COM'],
      ['a common password', 'password123'],
      ['a common password in another case', 'PassWord123'],
      ['a common password typed fullwidth (NFKC)', 'ｐａｓｓｗｏｒｄ１２３'],
    ])('%s', async (_label, weak) => {
      const error = await errorOf(h.service.register({ email: 'someone@example.com', password: weak }));
      expect(error.code).toBe('WEAK_PASSWORD');
      expect(error.status).toBe(400);
      expect(error.errors?.[0]?.path).toBe('password');
      expect(hasher.hash).not.toHaveBeenCalled();
      expect(hasher.verify).not.toHaveBeenCalled();
      expect(await h.repository.findByEmail('someone@example.com')).toBeUndefined();
      expect(h.mailer.messages).toEqual([]);
      expect(h.repository.activity).toEqual([]);
      expect(JSON.stringify(error)).not.toContain(weak);
    });
  });

  it('accepts exactly 8 characters and exactly 72 bytes (24 × €)', async () => {
    expect(await codeOf(h.service.register({ email: 'eight@example.com', password: 'k9$mQ2!z' }))).toBe('ok');
    expect(await codeOf(h.service.register({ email: 'bytes@example.com', password: '€'.repeat(24) }))).toBe('ok');
    expect(hasher.hash).toHaveBeenLastCalledWith('€'.repeat(24));
  });

  it('NFKC: a password typed with fullwidth characters hashes and logs in as its ASCII equivalent', async () => {
    await h.service.register({ email: 'wide@example.com', password: 'ｃｏｒｒｅｃｔ－ｈｏｒｓｅ' });
    expect(hasher.hash).toHaveBeenCalledWith('correct-horse');
    const result = await h.service.authenticate({ email: 'wide@example.com', password: 'correct-horse' });
    expect(result.user.email).toBe('wide@example.com');
    expect(await codeOf(h.service.authenticate({ email: 'wide@example.com', password: 'ｃｏｒｒｅｃｔ－ｈｏｒｓｅ' }))).toBe('ok');
  });

  it('a mail failure does not undo the registration; onMailError receives it', async () => {
    const onMailError = vi.fn();
    const local = createHarness({ hasher, onMailError });
    const failure = new Error('smtp down');
    vi.spyOn(local.mailer, 'send').mockRejectedValue(failure);
    const user = await local.service.register({ email: 'ada@example.com', password });
    expect(onMailError).toHaveBeenCalledWith(failure);
    expect(await local.repository.findById(user.id)).toBeDefined();
  });
});

// -----------------------------------------------------------------------------------------------
describe('authenticate', () => {
  const password = 'right password 1';

  it('right password: the user without secrets, its token_version, last_login at clock time, a "login" entry', async () => {
    const seeded = await h.seedCustomer({ email: 'cust@example.com', password });
    h.clock.advance(60_000);
    const now = h.clock.now();
    const result = await h.service.authenticate({ email: 'cust@example.com', password });
    expect(result.token_version).toBe(0);
    expect(result.user).toMatchObject({ id: seeded.id, last_login: now.toISOString(), is_authenticated: true });
    expectPublicUser(result.user);
    expect(result).not.toHaveProperty('password_hash');
    const row = await h.record(seeded.id);
    expect(row.last_login).toEqual(now);
    expect(h.repository.activity).toEqual([
      { id: expect.any(Number), user_id: seeded.id, actor_id: seeded.id, action: 'login', changes: null, created_at: now },
    ]);
  });

  it('returns the current token_version', async () => {
    const seeded = await h.seedCustomer({ password });
    await h.repository.update(seeded.id, { token_version: 7 });
    expect((await h.service.authenticate({ email: seeded.email, password })).token_version).toBe(7);
  });

  it('matches the email case-insensitively and trimmed', async () => {
    await h.seedCustomer({ email: 'cust@example.com', password });
    expect(await codeOf(h.service.authenticate({ email: '  CUST@Example.com ', password }))).toBe('ok');
  });

  it('wrong password and unknown email fail identically with INVALID_CREDENTIALS; nothing written', async () => {
    const seeded = await h.seedCustomer({ email: 'cust@example.com', password });
    const wrong = await errorOf(h.service.authenticate({ email: 'cust@example.com', password: 'wrong password 1' }));
    const unknown = await errorOf(h.service.authenticate({ email: 'nobody@example.com', password }));
    expect(wrong.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.status).toBe(401);
    const shape = (e: UserkitError) => ({ code: e.code, status: e.status, detail: e.detail, message: e.message, errors: e.errors, fields: e.fields });
    expect(shape(unknown)).toEqual(shape(wrong));
    expect(await h.record(seeded.id)).toEqual(seeded);
    expect(h.repository.activity).toEqual([]);
  });

  it('an unknown email still runs the hasher\'s verify, against a dummy hash', async () => {
    const seeded = await h.seedCustomer({ password });
    await errorOf(h.service.authenticate({ email: 'nobody@example.com', password }));
    expect(hasher.verify).toHaveBeenCalledTimes(1);
    const [candidate, hash] = hasher.verify.mock.calls[0]!;
    expect(candidate).toBe(password);
    expect(typeof hash).toBe('string');
    expect(hash).not.toBe(seeded.password_hash);
    // The dummy hash is made once and reused.
    await errorOf(h.service.authenticate({ email: 'nobody2@example.com', password }));
    expect(hasher.verify).toHaveBeenCalledTimes(2);
    expect(hasher.verify.mock.calls[1]![1]).toBe(hash);
    // Made once, when the service was built (so the first probe is not slower): no hash since.
    expect(hasher.hash).toHaveBeenCalledTimes(0);
  });

  it('an absurdly long password costs one verify and fails with INVALID_CREDENTIALS, for known and unknown emails', async () => {
    await h.seedCustomer({ email: 'cust@example.com', password });
    const long = 'x'.repeat(4000);
    expect(await codeOf(h.service.authenticate({ email: 'cust@example.com', password: long }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(h.service.authenticate({ email: 'nobody@example.com', password: long }))).toBe('INVALID_CREDENTIALS');
    expect(hasher.verify).toHaveBeenCalledTimes(2);
    for (const [candidate] of hasher.verify.mock.calls) expect(candidate.length).toBeLessThan(4000);
  });

  it('pending users may log in', async () => {
    await h.service.register({ email: 'new@example.com', password });
    const result = await h.service.authenticate({ email: 'new@example.com', password });
    expect(result.user.status).toBe('pending');
  });

  it.each([
    ['suspended', 'ACCOUNT_SUSPENDED'],
    ['inactive', 'ACCOUNT_INACTIVE'],
  ] as const)('%s with the right password → %s (403); nothing written', async (status, code) => {
    const seeded = await h.seedCustomer({ status, password });
    await expectRefused(h.service.authenticate({ email: seeded.email, password }), code, 403, seeded);
  });

  it.each(['suspended', 'inactive'] as const)('%s with a wrong password stays INVALID_CREDENTIALS (does not reveal the status)', async (status) => {
    const seeded = await h.seedCustomer({ status, password });
    expect(await codeOf(h.service.authenticate({ email: seeded.email, password: 'wrong password 1' }))).toBe('INVALID_CREDENTIALS');
  });

  it('deleted users → INVALID_CREDENTIALS, even with the right password', async () => {
    const admin = await h.seedAdmin();
    const seeded = await h.seedCustomer({ password });
    await h.service.delete(admin, seeded.id);
    expect(await codeOf(h.service.authenticate({ email: seeded.email, password }))).toBe('INVALID_CREDENTIALS');
    expect(actions(h, seeded.id)).toEqual(['deleted']);
  });

  it('VALIDATION_ERROR for a malformed body', async () => {
    const error = await errorOf(h.service.authenticate({ email: 'nope', password: '' }));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.errors?.map((e) => e.path).sort()).toEqual(['email', 'password']);
    expect(await codeOf(h.service.authenticate({ email: 'a@example.com', password, remember: true } as never))).toBe('VALIDATION_ERROR');
  });

  it('re-hashes a hash the hasher reports as weak, and logs { rehashed: true }', async () => {
    const seeded = await h.seedCustomer({ password_hash: `old$${password}` });
    await h.service.authenticate({ email: seeded.email, password });
    expect(hasher.hash).toHaveBeenCalledWith(password);
    expect((await h.record(seeded.id)).password_hash).toBe(fakeHash(password));
    expect(h.repository.activity.map((e) => e.changes)).toEqual([{ rehashed: true }]);
    expect(await codeOf(h.service.authenticate({ email: seeded.email, password }))).toBe('ok');
  });

  it('does not re-hash a current hash', async () => {
    const seeded = await h.seedCustomer({ password });
    await h.service.authenticate({ email: seeded.email, password });
    expect(hasher.hash).not.toHaveBeenCalled();
    expect((await h.record(seeded.id)).password_hash).toBe(seeded.password_hash);
  });

  describe('with real bcrypt', { timeout: 30_000 }, () => {
    it('re-hashes a cost-10 hash with the configured cost 11 at login', async () => {
      const local = createHarness({ hasher: new BcryptPasswordHasher({ cost: 11 }) });
      const stored = await bcrypt.hash(password, 10);
      expect(bcryptCost(stored)).toBe(10);
      const seeded = await local.seedCustomer({ password_hash: stored });
      await local.service.authenticate({ email: seeded.email, password });
      const rehashed = (await local.record(seeded.id)).password_hash;
      expect(bcryptCost(rehashed)).toBe(11);
      expect(await bcrypt.compare(password, rehashed)).toBe(true);
      expect(local.repository.activity.map((e) => e.changes)).toEqual([{ rehashed: true }]);
    });
  });

  /*
   * Regression: the user is read and the password checked
   * outside the transaction; the transaction then writes `password_hash: rehash` (a hash of the
   * password that was just checked) without re-reading the row or passing `expectedVersion`.
   * A password change that commits while the login is re-hashing is silently reverted: the old
   * password works again and the new one does not.
   * Fix: inside the transaction, `const locked = await tx.findById(user.id, { lock: true })` and
   * throw INVALID_CREDENTIALS (or at least drop the re-hash) unless
   * `locked.password_hash === user.password_hash` (also re-check `locked.status`); or pass
   * `{ expectedVersion: user.version }` to `tx.update` and retry/refuse when it returns undefined.
   */
  it('a re-hash at login must not undo a password change that committed meanwhile', async () => {
    const admin = await h.seedAdmin();
    const seeded = await h.seedCustomer({ password_hash: 'old$first password 1' });
    const gate = deferred();
    const rehashing = deferred();
    hasher.hash.mockImplementationOnce(async (p: string) => {
      rehashing.resolve();
      await gate.promise;
      return fakeHash(p);
    });
    const login = h.service.authenticate({ email: seeded.email, password: 'first password 1' }).catch((error: unknown) => error);
    await rehashing.promise; // the login has verified the old password and is re-hashing it
    await h.service.changePassword(admin, seeded.id, { new_password: 'second password 2' });
    gate.resolve();
    await login;
    expect(await codeOf(h.service.authenticate({ email: seeded.email, password: 'second password 2' }))).toBe('ok');
    expect(await codeOf(h.service.authenticate({ email: seeded.email, password: 'first password 1' }))).toBe('INVALID_CREDENTIALS');
  });

  /*
   * Regression: a login that verified the *old* password while a password
   * change (which bumps token_version to revoke tokens) committed returns the *new* token_version
   * read back from the update, so the token issued for the old password survives the revocation.
   * Fix: as above — re-read the row under lock in the transaction and refuse (INVALID_CREDENTIALS)
   * when password_hash or token_version changed since the check.
   */
  it('a login that checked the old password must not get a token version that outlives a concurrent password change', async () => {
    const admin = await h.seedAdmin();
    const seeded = await h.seedCustomer({ password: 'first password 1' });
    const gate = deferred();
    const verifying = deferred();
    hasher.verify.mockImplementationOnce(async (p: string, stored: string) => {
      verifying.resolve();
      await gate.promise;
      return stored === fakeHash(p);
    });
    const login = h.service.authenticate({ email: seeded.email, password: 'first password 1' });
    const settled = login.catch(() => undefined);
    await verifying.promise;
    await h.service.changePassword(admin, seeded.id, { new_password: 'second password 2' });
    expect((await h.record(seeded.id)).token_version).toBe(1);
    gate.resolve();
    await settled;
    await expect(login).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});
