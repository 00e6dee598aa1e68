/**
 * Email verification and resending the code (`sign-in.ts`).
 * Over the in-memory repository, the memory mailer and a manual clock; a fake hasher
 * (`fake$<password>`) keeps the suite fast, the real bcrypt hasher is used only where bcrypt matters.
 */
import { hashVerificationCode } from '../verification-code';
import { describe, expect, it } from 'vitest';
import { codeOf, testCodeSecret, errorOf, expectPublicUser, startTime } from '../../test/fixtures';
import { actions, otherCode, tenMinutes, freshEachTest, h } from '../../test/service-suite';


freshEachTest();

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
