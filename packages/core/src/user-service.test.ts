/**
 * Behaviour of {@link UserService} against SPEC 3, 4, 6 and 7, over the in-memory repository, the
 * memory mailer and a manual clock. A fake hasher (`fake$<password>`) keeps the suite fast; the real
 * bcrypt hasher (cost 10/11) is used only where bcrypt itself matters.
 */
import bcrypt from 'bcryptjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { codeOf, createHarness, testCodeSecret, deferred, errorOf, expectPublicUser, fakeHash, FakeHasher, startTime, type Harness } from '../test/fixtures';
import { bcryptCost } from './bcrypt-hash';
import { BcryptPasswordHasher } from './bcrypt-password-hasher';
import type { UserkitError } from './errors';
import { hashVerificationCode } from './verification-code';

const tenMinutes = 10 * 60_000;

/** The committed activity actions, oldest first (all users, or one). */
function actions(h: Harness, userId?: number): string[] {
  return (userId === undefined ? h.repository.activity : h.repository.activityFor(userId)).map((entry) => entry.action);
}

/** A six-digit code that is not `code`. */
const otherCode = (code: string) => (code === '000000' ? '000001' : '000000');

let h: Harness;
let hasher: FakeHasher;

beforeEach(() => {
  hasher = new FakeHasher();
  h = createHarness({ hasher });
});

// -----------------------------------------------------------------------------------------------
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
    const error = await errorOf(h.service.authenticate({ email: seeded.email, password }));
    expect(error.code).toBe(code);
    expect(error.status).toBe(403);
    expect(await h.record(seeded.id)).toEqual(seeded);
    expect(h.repository.activity).toEqual([]);
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

  describe('with real bcrypt', () => {
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

// -----------------------------------------------------------------------------------------------
describe('verifyEmail and resendVerification', () => {
  const password = 'verify me please';

  async function registered(email = 'ver@example.com') {
    const user = await h.service.register({ email, password });
    const code = h.mailer.lastCodeFor(email)!;
    return { user, code };
  }

  it('right code: email_verified, pending → active, code cleared, one "email_verified" entry', async () => {
    const { user, code } = await registered();
    h.clock.advance(60_000);
    const verified = await h.service.verifyEmail({ email: 'VER@example.com', code });
    expect(verified).toMatchObject({ id: user.id, email_verified: true, status: 'active', verification_expires: null, updated_at: h.clock.now().toISOString() });
    expectPublicUser(verified);
    const row = await h.record(user.id);
    expect(row).toMatchObject({ verification_code: null, verification_expires: null, verification_attempts: 0 });
    expect(actions(h, user.id)).toEqual(['registered', 'email_verified']);
  });

  it('keeps a status other than pending (an active but unverified user stays active)', async () => {
    const seeded = await h.seedCustomer({
      email: 'act@example.com',
      email_verified: false,
      verification_code: await hashVerificationCode('act@example.com', '123456', testCodeSecret),
      verification_expires: new Date(startTime.getTime() + tenMinutes),
    });
    const verified = await h.service.verifyEmail({ email: 'act@example.com', code: '123456' });
    expect(verified).toMatchObject({ id: seeded.id, status: 'active', email_verified: true });
  });

  it('is single use: the same code fails the second time', async () => {
    const { code } = await registered();
    await h.service.verifyEmail({ email: 'ver@example.com', code });
    const error = await errorOf(h.service.verifyEmail({ email: 'ver@example.com', code }));
    expect(error.code).toBe('INVALID_VERIFICATION_CODE');
    expect(error.status).toBe(400);
    expect(actions(h)).toEqual(['registered', 'email_verified']);
  });

  it('wrong code: INVALID_VERIFICATION_CODE, attempts + 1, nothing else changes, a verification_failed entry', async () => {
    const { user, code } = await registered();
    const before = await h.record(user.id);
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code: otherCode(code) }))).toBe('INVALID_VERIFICATION_CODE');
    const after = await h.record(user.id);
    expect(after.verification_attempts).toBe(1);
    expect({ ...after, verification_attempts: 0, version: 0 }).toEqual({ ...before, version: 0 });
    expect(actions(h)).toEqual(['registered', 'verification_failed']);
  });

  it('four wrong tries, then the right code still works', async () => {
    const { code } = await registered();
    for (let i = 0; i < 4; i++) await errorOf(h.service.verifyEmail({ email: 'ver@example.com', code: otherCode(code) }));
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code }))).toBe('ok');
  });

  it('after 5 wrong tries even the right code fails', async () => {
    const { user, code } = await registered();
    for (let i = 0; i < 5; i++) await errorOf(h.service.verifyEmail({ email: 'ver@example.com', code: otherCode(code) }));
    expect((await h.record(user.id)).verification_attempts).toBe(5);
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code }))).toBe('INVALID_VERIFICATION_CODE');
    expect((await h.record(user.id)).email_verified).toBe(false);
  });

  it('is valid for 10 minutes: works just before, fails at 10 minutes', async () => {
    const early = await registered('early@example.com');
    const late = await registered('late@example.com');
    h.clock.advance(tenMinutes - 1);
    expect(await codeOf(h.service.verifyEmail({ email: 'early@example.com', code: early.code }))).toBe('ok');
    h.clock.advance(1);
    expect(await codeOf(h.service.verifyEmail({ email: 'late@example.com', code: late.code }))).toBe('INVALID_VERIFICATION_CODE');
    expect((await h.record(late.user.id)).email_verified).toBe(false);
  });

  it('unknown email → INVALID_VERIFICATION_CODE with the same body as a wrong code', async () => {
    const { code } = await registered();
    const unknown = await errorOf(h.service.verifyEmail({ email: 'nobody@example.com', code }));
    const wrong = await errorOf(h.service.verifyEmail({ email: 'ver@example.com', code: otherCode(code) }));
    expect(unknown.code).toBe('INVALID_VERIFICATION_CODE');
    expect(unknown.detail).toBe(wrong.detail);
  });

  it('a malformed code is a VALIDATION_ERROR and does not count as an attempt', async () => {
    const { user } = await registered();
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code: '12345' }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code: 'abcdef' }))).toBe('VALIDATION_ERROR');
    expect((await h.record(user.id)).verification_attempts).toBe(0);
  });

  it('resend replaces the old code (old fails, new works) and resets the attempts', async () => {
    const { user, code: first } = await registered();
    for (let i = 0; i < 3; i++) await errorOf(h.service.verifyEmail({ email: 'ver@example.com', code: otherCode(first) }));
    let second = first;
    while (second === first) {
      await h.service.resendVerification({ email: 'Ver@Example.com' });
      second = h.mailer.lastCodeFor('ver@example.com')!;
    }
    expect(h.mailer.messages.at(-1)).toMatchObject({ to: 'ver@example.com', code: second });
    const row = await h.record(user.id);
    expect(row.verification_attempts).toBe(0);
    expect(row.verification_code).toBe(await hashVerificationCode('ver@example.com', second, testCodeSecret));
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code: first }))).toBe('INVALID_VERIFICATION_CODE');
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code: second }))).toBe('ok');
  });

  it('resend revives a code killed by 5 wrong tries and restarts the 10 minutes', async () => {
    const { code } = await registered();
    for (let i = 0; i < 5; i++) await errorOf(h.service.verifyEmail({ email: 'ver@example.com', code: otherCode(code) }));
    h.clock.advance(tenMinutes + 1);
    await h.service.resendVerification({ email: 'ver@example.com' });
    h.clock.advance(tenMinutes - 1);
    expect(await codeOf(h.service.verifyEmail({ email: 'ver@example.com', code: h.mailer.lastCodeFor('ver@example.com')! }))).toBe('ok');
  });

  it('resend for an unknown email resolves silently and sends nothing', async () => {
    await expect(h.service.resendVerification({ email: 'nobody@example.com' })).resolves.toBeUndefined();
    expect(h.mailer.messages).toEqual([]);
  });

  it('resend sends nothing to verified, suspended, inactive or deleted users (and resolves the same way)', async () => {
    const admin = await h.seedAdmin();
    const verified = await h.seedCustomer({ email_verified: true });
    const suspended = await h.seedCustomer({ email_verified: false, status: 'suspended' });
    const inactive = await h.seedCustomer({ email_verified: false, status: 'inactive' });
    const deleted = await h.seedCustomer({ email_verified: false });
    await h.service.delete(admin, deleted.id);
    for (const user of [verified, suspended, inactive, deleted]) {
      await expect(h.service.resendVerification({ email: user.email })).resolves.toBeUndefined();
    }
    expect(h.mailer.messages).toEqual([]);
    expect(await h.record(suspended.id)).toEqual(suspended);
  });

  it('resend with a malformed email → VALIDATION_ERROR', async () => {
    expect(await codeOf(h.service.resendVerification({ email: 'nope' }))).toBe('VALIDATION_ERROR');
  });

  it('parallel verify-email calls with the right code: exactly one succeeds', async () => {
    const { user, code } = await registered();
    const results = await Promise.all(Array.from({ length: 8 }, () => codeOf(h.service.verifyEmail({ email: 'ver@example.com', code }))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'INVALID_VERIFICATION_CODE')).toHaveLength(7);
    expect(actions(h, user.id)).toEqual(['registered', 'email_verified']);
  });
});

// -----------------------------------------------------------------------------------------------
describe('get', () => {
  it('a customer reads their own user, without secrets', async () => {
    const customer = await h.seedCustomer();
    const user = await h.service.get(customer, customer.id);
    expect(user.id).toBe(customer.id);
    expectPublicUser(user);
  });

  it('a customer reading another id gets FORBIDDEN whether or not it exists (same error)', async () => {
    const customer = await h.seedCustomer();
    const other = await h.seedCustomer();
    const admin = await h.seedAdmin();
    const existing = await errorOf(h.service.get(customer, other.id));
    const anAdmin = await errorOf(h.service.get(customer, admin.id));
    const missing = await errorOf(h.service.get(customer, 9999));
    for (const e of [existing, anAdmin, missing]) {
      expect(e.code).toBe('FORBIDDEN');
      expect(e.status).toBe(403);
      expect(e.detail).toBe(missing.detail);
    }
  });

  it('admins read customers, admins and super admins; NOT_FOUND for a missing id', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    const other = await h.seedAdmin();
    const superAdmin = await h.seedSuperAdmin();
    for (const id of [customer.id, other.id, superAdmin.id, admin.id]) expect((await h.service.get(admin, id)).id).toBe(id);
    const error = await errorOf(h.service.get(admin, 9999));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.status).toBe(404);
  });

  it('deleted users are NOT_FOUND, even to a super admin', async () => {
    const superAdmin = await h.seedSuperAdmin();
    const customer = await h.seedCustomer();
    await h.service.delete(superAdmin, customer.id);
    expect(await codeOf(h.service.get(superAdmin, customer.id))).toBe('NOT_FOUND');
    expect(await h.service.findActor(customer.id)).toBeUndefined();
  });
});

// -----------------------------------------------------------------------------------------------
describe('update', () => {
  it('partial: fields left out stay as they are; version +1; updated_at = now; one "updated" entry with {old, new}', async () => {
    const customer = await h.seedCustomer({ name: 'Ada', city: 'London', phone: '+44 20 1234', additional_websites: ['https://a.example'] });
    h.clock.advance(5_000);
    const updated = await h.service.update(customer, customer.id, { city: 'Paris' });
    expect(updated).toMatchObject({ name: 'Ada', city: 'Paris', phone: '+44 20 1234', additional_websites: ['https://a.example'], version: customer.version + 1 });
    expect(updated.updated_at).toBe(h.clock.now().toISOString());
    expectPublicUser(updated);
    const row = await h.record(customer.id);
    expect(row).toEqual({ ...customer, city: 'Paris', version: customer.version + 1, updated_at: h.clock.now() });
    expect(h.repository.activity).toEqual([
      { id: expect.any(Number), user_id: customer.id, actor_id: customer.id, action: 'updated', changes: { city: { old: 'London', new: 'Paris' } }, created_at: h.clock.now() },
    ]);
  });

  it('null clears a nullable field', async () => {
    const customer = await h.seedCustomer({ name: 'Ada' });
    expect((await h.service.update(customer, customer.id, { name: null })).name).toBeNull();
  });

  it('an update that changes nothing writes nothing', async () => {
    const customer = await h.seedCustomer({ name: 'Ada' });
    const same = await h.service.update(customer, customer.id, { name: 'Ada', email: customer.email.toUpperCase() });
    expect(same.version).toBe(customer.version);
    expect(await h.record(customer.id)).toEqual(customer);
    expect(h.repository.activity).toEqual([]);
    expect(h.mailer.messages).toEqual([]);
  });

  it('expectedVersion: matching applies; mismatching → PRECONDITION_FAILED (412) and nothing changes', async () => {
    const customer = await h.seedCustomer({ name: 'Ada' });
    const first = await h.service.update(customer, customer.id, { name: 'Ada L' }, { expectedVersion: customer.version });
    expect(first.version).toBe(customer.version + 1);
    const before = await h.record(customer.id);
    const error = await errorOf(h.service.update(customer, customer.id, { name: 'Stale' }, { expectedVersion: customer.version }));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.status).toBe(412);
    expect(await h.record(customer.id)).toEqual(before);
    expect(actions(h)).toEqual(['updated']);
  });

  it('a customer setting status / credits / is_super_admin / password_hash → FIELD_NOT_ALLOWED naming them; nothing changes', async () => {
    const customer = await h.seedCustomer({ name: 'Ada' });
    const error = await errorOf(
      h.service.update(customer, customer.id, { name: 'Eve', status: 'active', credits: 1000, is_super_admin: true, password_hash: 'x' } as never),
    );
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.status).toBe(403);
    expect(error.fields).toEqual(['status', 'credits', 'is_super_admin', 'password_hash']);
    expect(await h.record(customer.id)).toEqual(customer);
    expect(h.repository.activity).toEqual([]);
  });

  it.each([
    [{ lead_status: 'qualified' }, ['lead_status']],
    [{ notes: 'vip' }, ['notes']],
    [{ email_verified: true }, ['email_verified']],
    [{ user_type: 'admin' }, ['user_type']],
    [{ token_version: 0, verification_attempts: 0 }, ['token_version', 'verification_attempts']],
  ])('a customer on self sending %j → FIELD_NOT_ALLOWED %j', async (body, fields) => {
    const customer = await h.seedCustomer({ email_verified: false });
    const error = await errorOf(h.service.update(customer, customer.id, body as never));
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.fields).toEqual(fields);
    expect(await h.record(customer.id)).toEqual(customer);
  });

  it('a customer updating anyone else → FORBIDDEN, existing or not', async () => {
    const customer = await h.seedCustomer();
    const other = await h.seedCustomer();
    expect(await codeOf(h.service.update(customer, other.id, { name: 'x' }))).toBe('FORBIDDEN');
    expect(await codeOf(h.service.update(customer, 9999, { name: 'x' }))).toBe('FORBIDDEN');
    expect(await h.record(other.id)).toEqual(other);
  });

  it('unknown fields and bad values → VALIDATION_ERROR listing every path; nothing changes', async () => {
    const customer = await h.seedCustomer();
    const error = await errorOf(h.service.update(customer, customer.id, { email: 'bad', business_site: 'javascript:alert(1)', nickname: 'x' } as never));
    expect(error.code).toBe('VALIDATION_ERROR');
    const paths = error.errors?.map((e) => e.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['email', 'business_site']));
    expect(JSON.stringify(error.errors)).toContain('nickname');
    expect(await h.record(customer.id)).toEqual(customer);
    expect(await codeOf(h.service.update(customer, customer.id, [] as never))).toBe('VALIDATION_ERROR');
    expect(await codeOf(h.service.update(customer, customer.id, null as never))).toBe('VALIDATION_ERROR');
  });

  it('USERNAME_TAKEN / EMAIL_TAKEN roll back and mail nothing', async () => {
    await h.seedCustomer({ email: 'taken@example.com', username: 'taken' });
    const customer = await h.seedCustomer();
    expect(await codeOf(h.service.update(customer, customer.id, { username: 'TAKEN' }))).toBe('USERNAME_TAKEN');
    expect(await codeOf(h.service.update(customer, customer.id, { email: 'Taken@example.com' }))).toBe('EMAIL_TAKEN');
    expect(await h.record(customer.id)).toEqual(customer);
    expect(h.repository.activity).toEqual([]);
    expect(h.mailer.messages).toEqual([]);
  });

  it('an admin updates a customer\'s profile, crm and account fields', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer({ status: 'pending', email_verified: false });
    const updated = await h.service.update(admin, customer.id, { name: 'Ada', lead_status: 'qualified', notes: 'met at expo', status: 'active', email_verified: true });
    expect(updated).toMatchObject({ name: 'Ada', lead_status: 'qualified', notes: 'met at expo', status: 'active', email_verified: true });
    expect(h.repository.activity).toEqual([
      expect.objectContaining({
        user_id: customer.id,
        actor_id: admin.id,
        action: 'status_changed',
        changes: {
          name: { old: null, new: 'Ada' },
          lead_status: { old: null, new: 'qualified' },
          notes: { old: null, new: 'met at expo' },
          status: { old: 'pending', new: 'active' },
          email_verified: { old: false, new: true },
        },
      }),
    ]);
  });

  it('an admin may not set role fields or credits on a customer (FIELD_NOT_ALLOWED)', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    const error = await errorOf(h.service.update(admin, customer.id, { user_type: 'admin', is_super_admin: false, credits: 5 } as never));
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.fields).toEqual(['user_type', 'is_super_admin', 'credits']);
    expect(await h.record(customer.id)).toEqual(customer);
  });

  it('an admin updating another admin (or a super admin) → FORBIDDEN, even for a profile field', async () => {
    const admin = await h.seedAdmin();
    const other = await h.seedAdmin();
    const superAdmin = await h.seedSuperAdmin();
    expect(await codeOf(h.service.update(admin, other.id, { name: 'x' }))).toBe('FORBIDDEN');
    expect(await codeOf(h.service.update(admin, superAdmin.id, { status: 'suspended' }))).toBe('FORBIDDEN');
    expect(await h.record(other.id)).toEqual(other);
    expect(await h.record(superAdmin.id)).toEqual(superAdmin);
    expect(h.repository.activity).toEqual([]);
  });

  it('an admin on self: profile yes; account, role and crm fields no', async () => {
    const admin = await h.seedAdmin();
    expect((await h.service.update(admin, admin.id, { name: 'Root' })).name).toBe('Root');
    const error = await errorOf(h.service.update(admin, admin.id, { status: 'active', is_super_admin: true, lead_status: 'lead' }));
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.fields).toEqual(['status', 'is_super_admin', 'lead_status']);
  });

  it('a super admin updates another admin\'s profile and account fields', async () => {
    const superAdmin = await h.seedSuperAdmin();
    const admin = await h.seedAdmin();
    expect(await h.service.update(superAdmin, admin.id, { name: 'Ops', status: 'inactive' })).toMatchObject({ name: 'Ops', status: 'inactive' });
  });

  describe('email change', () => {
    it('by the user: resets email_verified, mails a new code to the new address, which verifies it', async () => {
      const customer = await h.seedCustomer({ email: 'old@example.com', email_verified: true });
      const updated = await h.service.update(customer, customer.id, { email: ' New@Example.com ' });
      expect(updated).toMatchObject({ email: 'new@example.com', email_verified: false, status: 'active' });
      expect(h.mailer.messages).toHaveLength(1);
      expect(h.mailer.messages[0]!.to).toBe('new@example.com');
      const code = h.mailer.lastCodeFor('new@example.com')!;
      expect(code).toMatch(/^\d{6}$/);
      const row = await h.record(customer.id);
      expect(row.verification_code).toBe(await hashVerificationCode('new@example.com', code, testCodeSecret));
      expect(row.verification_expires).toEqual(new Date(startTime.getTime() + tenMinutes));
      expect(row.token_version).toBe(customer.token_version);
      expect(await h.repository.findByEmail('old@example.com')).toBeUndefined();
      expect((await h.service.verifyEmail({ email: 'new@example.com', code })).email_verified).toBe(true);
    });

    it('its activity entry holds email and email_verified, never a secret or verification column', async () => {
      const customer = await h.seedCustomer({ email: 'old@example.com', email_verified: true });
      await h.service.update(customer, customer.id, { email: 'new@example.com' });
      const [entry] = h.repository.activity;
      expect(entry?.action).toBe('updated');
      expect(entry?.changes).toEqual({ email: { old: 'old@example.com', new: 'new@example.com' }, email_verified: { old: true, new: false } });
      const text = JSON.stringify(h.repository.activity);
      for (const column of ['password_hash', 'verification_code', 'verification_attempts', 'verification_expires', 'token_version', h.mailer.messages[0]!.code!]) {
        expect(text).not.toContain(column);
      }
    });

    it('by an admin: resets email_verified and mails the new address', async () => {
      const admin = await h.seedAdmin();
      const customer = await h.seedCustomer({ email_verified: true });
      const updated = await h.service.update(admin, customer.id, { email: 'moved@example.com' });
      expect(updated.email_verified).toBe(false);
      expect(h.mailer.lastCodeFor('moved@example.com')).toMatch(/^\d{6}$/);
    });

    it('by an admin who sets email_verified in the same request: that value wins', async () => {
      const admin = await h.seedAdmin();
      const customer = await h.seedCustomer({ email_verified: false });
      const updated = await h.service.update(admin, customer.id, { email: 'checked@example.com', email_verified: true });
      expect(updated).toMatchObject({ email: 'checked@example.com', email_verified: true });
      expect((await h.record(customer.id)).email_verified).toBe(true);
    });
  });

  describe('token_version', () => {
    it('a status change bumps it (action status_changed)', async () => {
      const admin = await h.seedAdmin();
      const customer = await h.seedCustomer();
      await h.service.update(admin, customer.id, { status: 'suspended' });
      expect((await h.record(customer.id)).token_version).toBe(customer.token_version + 1);
      expect(actions(h)).toEqual(['status_changed']);
    });

    it('a role change bumps it (action role_changed)', async () => {
      const superAdmin = await h.seedSuperAdmin();
      const admin = await h.seedAdmin();
      await h.service.update(superAdmin, admin.id, { is_super_admin: true });
      expect((await h.record(admin.id)).token_version).toBe(admin.token_version + 1);
      expect(h.repository.activity).toEqual([
        expect.objectContaining({ action: 'role_changed', actor_id: superAdmin.id, changes: { is_super_admin: { old: false, new: true } } }),
      ]);
    });

    it('profile, crm and email_verified changes do not', async () => {
      const admin = await h.seedAdmin();
      const customer = await h.seedCustomer();
      await h.service.update(admin, customer.id, { name: 'x', lead_status: 'lead', email_verified: false });
      await h.service.update(customer, customer.id, { city: 'Oslo', email: 'changed@example.com' });
      expect((await h.record(customer.id)).token_version).toBe(customer.token_version);
    });
  });

  describe('last active super admin', () => {
    it.each([
      ['demotes themselves (is_super_admin false)', { is_super_admin: false }],
      ['turns themselves into a customer', { user_type: 'customer' }],
      ['suspends themselves', { status: 'suspended' }],
      ['sets themselves inactive', { status: 'inactive' }],
      ['sets themselves pending', { status: 'pending' }],
    ] as const)('the only active super admin who %s → LAST_SUPER_ADMIN (409); nothing changes', async (_label, body) => {
      const superAdmin = await h.seedSuperAdmin();
      const error = await errorOf(h.service.update(superAdmin, superAdmin.id, body));
      expect(error.code).toBe('LAST_SUPER_ADMIN');
      expect(error.status).toBe(409);
      expect(await h.record(superAdmin.id)).toEqual(superAdmin);
      expect(h.repository.activity).toEqual([]);
    });

    it('an inactive or suspended second super admin does not count', async () => {
      const superAdmin = await h.seedSuperAdmin();
      await h.seedSuperAdmin({ status: 'suspended' });
      await h.seedSuperAdmin({ status: 'inactive' });
      expect(await codeOf(h.service.update(superAdmin, superAdmin.id, { is_super_admin: false }))).toBe('LAST_SUPER_ADMIN');
    });

    it('allowed when another active super admin exists: self-demotion and demoting the other', async () => {
      const a = await h.seedSuperAdmin();
      const b = await h.seedSuperAdmin();
      const c = await h.seedSuperAdmin();
      expect(await h.service.update(a, b.id, { status: 'suspended' })).toMatchObject({ status: 'suspended' });
      expect(await h.service.update(a, a.id, { is_super_admin: false })).toMatchObject({ is_super_admin: false, user_type: 'admin' });
      // c is now the only active super admin.
      expect(await codeOf(h.service.update(c, c.id, { status: 'suspended' }))).toBe('LAST_SUPER_ADMIN');
      expect(await h.repository.activeSuperAdminIds()).toEqual([c.id]);
    });

    it('two super admins demoting each other at once: exactly one succeeds', async () => {
      const a = await h.seedSuperAdmin();
      const b = await h.seedSuperAdmin();
      const results = await Promise.all([
        codeOf(h.service.update(a, b.id, { is_super_admin: false })),
        codeOf(h.service.update(b, a.id, { is_super_admin: false })),
      ]);
      expect(results.sort()).toEqual(['LAST_SUPER_ADMIN', 'ok']);
      expect(await h.repository.activeSuperAdminIds()).toHaveLength(1);
    });
  });

  describe('role changes by a super admin', () => {
    it('promoting a customer to admin clears lead_status and notes (logged), bumps token_version', async () => {
      const superAdmin = await h.seedSuperAdmin();
      const customer = await h.seedCustomer({ lead_status: 'qualified', notes: 'big account' });
      const updated = await h.service.update(superAdmin, customer.id, { user_type: 'admin' });
      expect(updated).toMatchObject({ user_type: 'admin', is_super_admin: false, lead_status: null, notes: null });
      const row = await h.record(customer.id);
      expect(row).toMatchObject({ lead_status: null, notes: null, token_version: customer.token_version + 1 });
      expect(h.repository.activity).toEqual([
        expect.objectContaining({
          action: 'role_changed',
          changes: {
            user_type: { old: 'customer', new: 'admin' },
            lead_status: { old: 'qualified', new: null },
            notes: { old: 'big account', new: null },
          },
        }),
      ]);
    });

    it('promoting straight to super admin in one request', async () => {
      const superAdmin = await h.seedSuperAdmin();
      const customer = await h.seedCustomer();
      expect(await h.service.update(superAdmin, customer.id, { user_type: 'admin', is_super_admin: true })).toMatchObject({ user_type: 'admin', is_super_admin: true });
    });

    it('crm fields in the same request as a promotion → FIELD_NOT_ALLOWED', async () => {
      const superAdmin = await h.seedSuperAdmin();
      const customer = await h.seedCustomer();
      const error = await errorOf(h.service.update(superAdmin, customer.id, { user_type: 'admin', lead_status: 'lead' }));
      expect(error.code).toBe('FIELD_NOT_ALLOWED');
      expect(error.fields).toEqual(['lead_status']);
      expect(await h.record(customer.id)).toEqual(customer);
    });

    it('is_super_admin true on a customer → VALIDATION_ERROR on is_super_admin; nothing changes', async () => {
      const superAdmin = await h.seedSuperAdmin();
      const customer = await h.seedCustomer();
      const error = await errorOf(h.service.update(superAdmin, customer.id, { is_super_admin: true }));
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.errors?.map((e) => e.path)).toEqual(['is_super_admin']);
      expect(await h.record(customer.id)).toEqual(customer);
      expect(await codeOf(h.service.update(superAdmin, superAdmin.id, { user_type: 'customer', is_super_admin: true }))).toBe('VALIDATION_ERROR');
    });

    it('demoting a super admin to customer also clears is_super_admin', async () => {
      const superAdmin = await h.seedSuperAdmin();
      const other = await h.seedSuperAdmin();
      expect(await h.service.update(superAdmin, other.id, { user_type: 'customer' })).toMatchObject({ user_type: 'customer', is_super_admin: false });
    });
  });

  it('updates of a deleted user → NOT_FOUND for admins', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    await h.service.delete(admin, customer.id);
    expect(await codeOf(h.service.update(admin, customer.id, { name: 'ghost' }))).toBe('NOT_FOUND');
  });
});

// -----------------------------------------------------------------------------------------------
describe('create', () => {
  const password = 'created password 1';

  it('an admin creates a customer: active by default, a positive integer id, hashed password, a code mailed, a "created" entry', async () => {
    const admin = await h.seedAdmin();
    const user = await h.service.create(admin, { email: 'New@Example.com', password, name: 'New', lead_status: 'lead', notes: 'from expo' });
    expect(user).toMatchObject({ email: 'new@example.com', user_type: 'customer', status: 'active', is_super_admin: false, email_verified: false, lead_status: 'lead', notes: 'from expo' });
    expect(Number.isSafeInteger(user.id) && user.id > 0).toBe(true);
    expect(`/api/users/${user.id}`).toMatch(/^\/api\/users\/[1-9]\d*$/);
    expectPublicUser(user);
    expect((await h.service.get(admin, user.id)).email).toBe('new@example.com');
    expect((await h.record(user.id)).password_hash).toBe(fakeHash(password));
    expect(h.mailer.lastCodeFor('new@example.com')).toMatch(/^\d{6}$/);
    expect(h.repository.activity).toEqual([
      { id: expect.any(Number), user_id: user.id, actor_id: admin.id, action: 'created', changes: null, created_at: startTime },
    ]);
    expect(await codeOf(h.service.authenticate({ email: 'new@example.com', password }))).toBe('ok');
  });

  it('an admin may set status and email_verified; a verified user gets no code', async () => {
    const admin = await h.seedAdmin();
    const user = await h.service.create(admin, { email: 'v@example.com', password, status: 'pending', email_verified: true });
    expect(user).toMatchObject({ status: 'pending', email_verified: true });
    expect(h.mailer.messages).toEqual([]);
    expect((await h.record(user.id)).verification_code).toBeNull();
  });

  it.each([
    [{ user_type: 'customer' }, ['user_type']],
    [{ is_super_admin: false }, ['is_super_admin']],
    [{ user_type: 'admin', is_super_admin: true }, ['user_type', 'is_super_admin']],
    [{ credits: 10 }, ['credits']],
    [{ password_hash: '$2b$10$x' }, ['password_hash']],
  ])('an admin sending %j → FIELD_NOT_ALLOWED %j; nothing written, nothing hashed', async (extra, fields) => {
    const admin = await h.seedAdmin();
    const error = await errorOf(h.service.create(admin, { email: 'x@example.com', password, ...extra } as never));
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.fields).toEqual(fields);
    expect(await h.repository.findByEmail('x@example.com')).toBeUndefined();
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(h.repository.activity).toEqual([]);
  });

  it('a super admin creates an admin and a super admin', async () => {
    const superAdmin = await h.seedSuperAdmin();
    const admin = await h.service.create(superAdmin, { email: 'ops@example.com', password, user_type: 'admin' });
    expect(admin).toMatchObject({ user_type: 'admin', is_super_admin: false, status: 'active' });
    const other = await h.service.create(superAdmin, { email: 'root2@example.com', password, user_type: 'admin', is_super_admin: true });
    expect(other).toMatchObject({ user_type: 'admin', is_super_admin: true, status: 'active' });
    expect((await h.repository.activeSuperAdminIds()).sort()).toEqual([superAdmin.id, other.id].sort());
    expect(actions(h)).toEqual(['created', 'created']);
  });

  it('a super admin creating a customer with is_super_admin true → VALIDATION_ERROR', async () => {
    const superAdmin = await h.seedSuperAdmin();
    const error = await errorOf(h.service.create(superAdmin, { email: 'c@example.com', password, is_super_admin: true }));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.errors?.map((e) => e.path)).toEqual(['is_super_admin']);
    expect(await h.repository.findByEmail('c@example.com')).toBeUndefined();
  });

  it('a super admin creating an admin with crm fields → FIELD_NOT_ALLOWED', async () => {
    const superAdmin = await h.seedSuperAdmin();
    const error = await errorOf(h.service.create(superAdmin, { email: 'a@example.com', password, user_type: 'admin', notes: 'x' }));
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.fields).toEqual(['notes']);
  });

  it('customers → FORBIDDEN; nothing written', async () => {
    const customer = await h.seedCustomer();
    const error = await errorOf(h.service.create(customer, { email: 'x@example.com', password }));
    expect(error.code).toBe('FORBIDDEN');
    expect(await h.repository.findByEmail('x@example.com')).toBeUndefined();
    expect(hasher.hash).not.toHaveBeenCalled();
  });

  it('EMAIL_TAKEN (also for a deleted user\'s email), WEAK_PASSWORD and VALIDATION_ERROR leave nothing behind', async () => {
    const admin = await h.seedAdmin();
    const existing = await h.seedCustomer({ email: 'dup@example.com' });
    const gone = await h.seedCustomer({ email: 'gone@example.com' });
    await h.service.delete(admin, gone.id);
    const before = h.repository.activity.length;
    expect(await codeOf(h.service.create(admin, { email: 'DUP@example.com', password }))).toBe('EMAIL_TAKEN');
    expect(await codeOf(h.service.create(admin, { email: 'gone@example.com', password }))).toBe('EMAIL_TAKEN');
    expect(await codeOf(h.service.create(admin, { email: 'weak@example.com', password: 'password123' }))).toBe('WEAK_PASSWORD');
    expect(await codeOf(h.service.create(admin, { email: 'nopw@example.com' } as never))).toBe('VALIDATION_ERROR');
    expect(h.repository.activity).toHaveLength(before);
    expect(h.mailer.messages).toEqual([]);
    expect(await h.record(existing.id)).toEqual(existing);
  });
});

// -----------------------------------------------------------------------------------------------
describe('delete', () => {
  it('soft delete: gone from findById, kept with deleted_at, token_version bumped, one "deleted" entry', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    h.clock.advance(1_000);
    await expect(h.service.delete(admin, customer.id)).resolves.toBeUndefined();
    expect(await h.repository.findById(customer.id)).toBeUndefined();
    const row = await h.repository.findById(customer.id, { includeDeleted: true });
    expect(row?.deleted_at).toEqual(h.clock.now());
    expect(row?.token_version).toBe(customer.token_version + 1);
    expect(h.repository.activity).toEqual([
      { id: expect.any(Number), user_id: customer.id, actor_id: admin.id, action: 'deleted', changes: null, created_at: h.clock.now() },
    ]);
    expect(await codeOf(h.service.delete(admin, customer.id))).toBe('NOT_FOUND');
    expect((await h.service.list(admin, {})).items.map((u) => u.id)).not.toContain(customer.id);
  });

  it('the email stays reserved: registering it again → EMAIL_TAKEN', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer({ email: 'kept@example.com' });
    await h.service.delete(admin, customer.id);
    expect(await codeOf(h.service.register({ email: 'Kept@Example.com', password: 'another password 1' }))).toBe('EMAIL_TAKEN');
  });

  it('an admin or a super admin deleting themselves → CANNOT_DELETE_SELF (409)', async () => {
    const admin = await h.seedAdmin();
    const superAdmin = await h.seedSuperAdmin();
    await h.seedSuperAdmin();
    for (const actor of [admin, superAdmin]) {
      const error = await errorOf(h.service.delete(actor, actor.id));
      expect(error.code).toBe('CANNOT_DELETE_SELF');
      expect(error.status).toBe(409);
      expect(await h.record(actor.id)).toEqual(actor);
    }
    expect(h.repository.activity).toEqual([]);
  });

  it('an admin deleting another admin or a super admin → FORBIDDEN; a super admin may delete them', async () => {
    const admin = await h.seedAdmin();
    const other = await h.seedAdmin();
    const superAdmin = await h.seedSuperAdmin();
    const secondSuper = await h.seedSuperAdmin();
    expect(await codeOf(h.service.delete(admin, other.id))).toBe('FORBIDDEN');
    expect(await codeOf(h.service.delete(admin, superAdmin.id))).toBe('FORBIDDEN');
    expect(await h.record(other.id)).toEqual(other);
    await h.service.delete(superAdmin, other.id);
    await h.service.delete(superAdmin, secondSuper.id);
    expect(await h.repository.activeSuperAdminIds()).toEqual([superAdmin.id]);
    expect(actions(h)).toEqual(['deleted', 'deleted']);
  });

  it('customers → FORBIDDEN, on themselves and on others', async () => {
    const customer = await h.seedCustomer();
    const other = await h.seedCustomer();
    expect(await codeOf(h.service.delete(customer, customer.id))).toBe('FORBIDDEN');
    expect(await codeOf(h.service.delete(customer, other.id))).toBe('FORBIDDEN');
    expect(await codeOf(h.service.delete(customer, 9999))).toBe('FORBIDDEN');
    expect(h.repository.activity).toEqual([]);
  });

  it('a deleted user\'s tokens die: findActor returns undefined', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    expect((await h.service.findActor(customer.id))?.id).toBe(customer.id);
    await h.service.delete(admin, customer.id);
    expect(await h.service.findActor(customer.id)).toBeUndefined();
  });
});

// -----------------------------------------------------------------------------------------------
describe('changePassword', () => {
  const current = 'current password 1';
  const next = 'brand new password 2';

  it('self with the right current password: new one works, old one no longer does, token_version bumped, one entry', async () => {
    const customer = await h.seedCustomer({ password: current });
    h.clock.advance(1_000);
    await expect(h.service.changePassword(customer, customer.id, { current_password: current, new_password: next })).resolves.toBeUndefined();
    const row = await h.record(customer.id);
    expect(row.password_hash).toBe(fakeHash(next));
    expect(row.token_version).toBe(customer.token_version + 1);
    expect(row.updated_at).toEqual(h.clock.now());
    expect(h.repository.activity).toEqual([
      { id: expect.any(Number), user_id: customer.id, actor_id: customer.id, action: 'password_changed', changes: null, created_at: h.clock.now() },
    ]);
    expect(await codeOf(h.service.authenticate({ email: customer.email, password: current }))).toBe('INVALID_CREDENTIALS');
    expect(await codeOf(h.service.authenticate({ email: customer.email, password: next }))).toBe('ok');
  });

  it('self with a wrong current password → INVALID_CURRENT_PASSWORD (400); nothing changes', async () => {
    const customer = await h.seedCustomer({ password: current });
    const error = await errorOf(h.service.changePassword(customer, customer.id, { current_password: 'not it at all', new_password: next }));
    expect(error.code).toBe('INVALID_CURRENT_PASSWORD');
    expect(error.status).toBe(400);
    expect(await h.record(customer.id)).toEqual(customer);
    expect(h.repository.activity).toEqual([]);
  });

  it('self without current_password → VALIDATION_ERROR (customer, admin, super admin alike)', async () => {
    const customer = await h.seedCustomer({ password: current });
    const admin = await h.seedAdmin({ password: current });
    const superAdmin = await h.seedSuperAdmin({ password: current });
    for (const actor of [customer, admin, superAdmin]) {
      const error = await errorOf(h.service.changePassword(actor, actor.id, { new_password: next }));
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.errors?.map((e) => e.path)).toContain('current_password');
      expect(await h.record(actor.id)).toEqual(actor);
    }
    await h.service.changePassword(superAdmin, superAdmin.id, { current_password: current, new_password: next });
    expect((await h.record(superAdmin.id)).password_hash).toBe(fakeHash(next));
  });

  it('an admin sets a customer\'s password with only new_password; the customer\'s tokens are revoked', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer({ password: current });
    await h.service.changePassword(admin, customer.id, { new_password: next });
    const row = await h.record(customer.id);
    expect(row.password_hash).toBe(fakeHash(next));
    expect(row.token_version).toBe(customer.token_version + 1);
    expect(h.repository.activity).toEqual([expect.objectContaining({ user_id: customer.id, actor_id: admin.id, action: 'password_changed', changes: null })]);
    expect(hasher.verify).not.toHaveBeenCalled();
  });

  it('an admin on another admin or a super admin → FORBIDDEN; a super admin sets another admin\'s password', async () => {
    const admin = await h.seedAdmin({ password: current });
    const other = await h.seedAdmin({ password: current });
    const superAdmin = await h.seedSuperAdmin();
    expect(await codeOf(h.service.changePassword(admin, other.id, { new_password: next }))).toBe('FORBIDDEN');
    expect(await codeOf(h.service.changePassword(admin, superAdmin.id, { new_password: next }))).toBe('FORBIDDEN');
    expect(await h.record(other.id)).toEqual(other);
    await h.service.changePassword(superAdmin, other.id, { new_password: next });
    expect((await h.record(other.id)).password_hash).toBe(fakeHash(next));
  });

  it('a customer on anyone else → FORBIDDEN, existing or not', async () => {
    const customer = await h.seedCustomer({ password: current });
    const other = await h.seedCustomer();
    expect(await codeOf(h.service.changePassword(customer, other.id, { current_password: current, new_password: next }))).toBe('FORBIDDEN');
    expect(await codeOf(h.service.changePassword(customer, 9999, { new_password: next }))).toBe('FORBIDDEN');
  });

  it('a deleted target → NOT_FOUND for an admin', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    await h.service.delete(admin, customer.id);
    expect(await codeOf(h.service.changePassword(admin, customer.id, { new_password: next }))).toBe('NOT_FOUND');
  });

  it.each([
    ['too short', 'short1!'],
    ['over 72 bytes', '€'.repeat(30)],
    ['the email', 'pw-owner@example.com'],
    ['common', 'qwerty123'],
  ])('a weak new password (%s) → WEAK_PASSWORD, nothing hashed or changed', async (_label, weak) => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer({ email: 'pw-owner@example.com', password: current });
    expect(await codeOf(h.service.changePassword(customer, customer.id, { current_password: current, new_password: weak }))).toBe('WEAK_PASSWORD');
    expect(await codeOf(h.service.changePassword(admin, customer.id, { new_password: weak }))).toBe('WEAK_PASSWORD');
    expect(hasher.hash).not.toHaveBeenCalled();
    expect(await h.record(customer.id)).toEqual(customer);
    expect(h.repository.activity).toEqual([]);
  });

  it('NFKC applies to both the current and the new password', async () => {
    const customer = await h.seedCustomer({ password: 'correct-horse' });
    await h.service.changePassword(customer, customer.id, { current_password: 'ｃｏｒｒｅｃｔ－ｈｏｒｓｅ', new_password: 'ｂａｔｔｅｒｙ－ｓｔａｐｌｅ' });
    expect((await h.record(customer.id)).password_hash).toBe(fakeHash('battery-staple'));
  });
});

// -----------------------------------------------------------------------------------------------
describe('list', () => {
  it('customers → FORBIDDEN', async () => {
    const customer = await h.seedCustomer();
    expect(await codeOf(h.service.list(customer, {}))).toBe('FORBIDDEN');
  });

  it('admins get a page of users without secrets, with the total', async () => {
    const admin = await h.seedAdmin();
    await h.seedCustomer({ name: 'Ada' });
    await h.seedCustomer({ name: 'Grace' });
    const page = await h.service.list(admin, { user_type: 'customer', sort: 'name' });
    expect(page.total).toBe(2);
    expect(page.items.map((u) => u.name)).toEqual(['Ada', 'Grace']);
    expect(page.next_cursor).toBeNull();
    for (const user of page.items) expectPublicUser(user);
    const all = await h.service.list(admin, { limit: 1 });
    expect(all.total).toBe(3);
    expect(all.items).toHaveLength(1);
    expect(all.next_cursor).toEqual(expect.any(String));
  });

  it('an unknown query parameter or a bad value → VALIDATION_ERROR', async () => {
    const admin = await h.seedAdmin();
    const error = await errorOf(h.service.list(admin, { role: 'admin' } as never));
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(error.errors)).toContain('role');
    expect(await codeOf(h.service.list(admin, { limit: 0 }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(h.service.list(admin, { sort: 'password_hash' } as never))).toBe('VALIDATION_ERROR');
  });
});

// -----------------------------------------------------------------------------------------------
describe('activity log', () => {
  it('a user\'s life leaves exactly one entry per successful write (a wrong code counts: it spends an attempt), and failed writes leave none', async () => {
    const superAdmin = await h.seedSuperAdmin();
    const password = 'lifecycle password 1';
    const user = await h.service.register({ email: 'life@example.com', password });
    const code = h.mailer.lastCodeFor('life@example.com')!;
    await errorOf(h.service.verifyEmail({ email: 'life@example.com', code: otherCode(code) }));
    await h.service.verifyEmail({ email: 'life@example.com', code });
    await h.service.authenticate({ email: 'life@example.com', password });
    await errorOf(h.service.authenticate({ email: 'life@example.com', password: 'wrong password 9' }));
    await h.service.update(user, user.id, { name: 'Life' });
    await errorOf(h.service.update(user, user.id, { status: 'active' }));
    await h.service.update(superAdmin, user.id, { status: 'suspended' });
    await errorOf(h.service.authenticate({ email: 'life@example.com', password }));
    await h.service.update(superAdmin, user.id, { status: 'active' });
    await h.service.changePassword(superAdmin, user.id, { new_password: 'lifecycle password 2' });
    await errorOf(h.service.changePassword(superAdmin, user.id, { new_password: 'short' }));
    await h.service.update(superAdmin, user.id, { user_type: 'admin' });
    await errorOf(h.service.update(superAdmin, superAdmin.id, { status: 'inactive' }));
    await h.service.delete(superAdmin, user.id);
    await errorOf(h.service.delete(superAdmin, user.id));
    expect(actions(h, user.id)).toEqual([
      'registered',
      'verification_failed',
      'email_verified',
      'login',
      'updated',
      'status_changed',
      'status_changed',
      'password_changed',
      'role_changed',
      'deleted',
    ]);
    expect(actions(h, superAdmin.id)).toEqual([]);
    const secrets = ['password_hash', 'verification_code', 'verification_attempts', 'token_version', 'lifecycle password', code];
    const text = JSON.stringify(h.repository.activity);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
