/**
 * Sessions and password reset at the service level (`sessions.ts`, `password-reset.ts`), over the
 * in-memory repository, a memory mailer and a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/fixtures';
import { actions, freshEachTest, h } from '../../test/service-suite';

const ttl = 30 * 86_400;
const meta = { userAgent: 'vitest', ip: '203.0.113.5' };

freshEachTest();

describe('sessions', () => {
  it('refresh rotates: the new token works once, the old one is refused', async () => {
    const user = await h.seedCustomer();
    const first = await h.service.startSession(user.id, meta, ttl);
    const second = await h.service.refreshSession(first.refreshToken, meta, ttl);
    expect(second.grant.sessionId).toBe(first.sessionId);
    expect(second.grant.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(user.id);
    const third = await h.service.refreshSession(second.grant.refreshToken, meta, ttl);
    expect(third.grant.sessionId).toBe(first.sessionId);
  });

  it('reuse of a rotated token ends the whole family (the newest token too) and is logged', async () => {
    const user = await h.seedCustomer();
    const first = await h.service.startSession(user.id, meta, ttl);
    const second = await h.service.refreshSession(first.refreshToken, meta, ttl);
    expect((await errorOf(h.service.refreshSession(first.refreshToken, meta, ttl))).code).toBe('UNAUTHENTICATED');
    expect((await errorOf(h.service.refreshSession(second.grant.refreshToken, meta, ttl))).code).toBe('UNAUTHENTICATED');
    expect(await h.service.findActor(user.id).then((u) => u?.id)).toBe(user.id);
    expect((await errorOf(h.service.findActor(user.id, first.sessionId))).code).toBe('UNAUTHENTICATED');
    expect(actions(h, user.id)).toContain('session_reuse_detected');
  });

  it('ending one session leaves the others; lists mark the current one', async () => {
    const user = await h.seedCustomer();
    const a = await h.service.startSession(user.id, meta, ttl);
    h.clock.advance(1000);
    const b = await h.service.startSession(user.id, { userAgent: 'other' }, ttl);
    const list = await h.service.listOwnSessions(user, a.sessionId);
    expect(list.map((s) => [s.id, s.current])).toEqual([
      [b.sessionId, false],
      [a.sessionId, true],
    ]);
    expect(list[1]).toMatchObject({ user_agent: 'vitest', ip: '203.0.113.5' });
    expect(JSON.stringify(list)).not.toContain(a.refreshToken);
    expect(await h.service.endSession(user.id, a.sessionId)).toBe(true);
    expect((await errorOf(h.service.refreshSession(a.refreshToken, meta, ttl))).code).toBe('UNAUTHENTICATED');
    await h.service.refreshSession(b.refreshToken, meta, ttl);
    expect((await errorOf(h.service.endOwnSession(user, a.sessionId))).code).toBe('NOT_FOUND');
  });

  it('an expired refresh token is refused; expired rows are pruned at the next sign-in', async () => {
    const user = await h.seedCustomer();
    const a = await h.service.startSession(user.id, meta, 60);
    h.clock.advance(61_000);
    expect((await errorOf(h.service.refreshSession(a.refreshToken, meta, ttl))).code).toBe('UNAUTHENTICATED');
    await h.service.startSession(user.id, meta, ttl);
    expect((await errorOf(h.service.refreshSession(a.refreshToken, meta, ttl))).detail).toMatch(/ended/);
  });

  it('password change, suspension, role change and deletion end every session', async () => {
    const superAdmin = await h.seedSuperAdmin();
    const cases: [string, (id: number) => Promise<unknown>][] = [
      ['password', (id) => h.service.changePassword(superAdmin, id, { new_password: 'a brand new password' })],
      ['suspension', (id) => h.service.update(superAdmin, id, { status: 'suspended' })],
      ['role', (id) => h.service.update(superAdmin, id, { user_type: 'admin' })],
      ['deletion', (id) => h.service.delete(superAdmin, id)],
    ];
    for (const [, change] of cases) {
      const user = await h.seedCustomer();
      const session = await h.service.startSession(user.id, meta, ttl);
      await change(user.id);
      expect((await errorOf(h.service.refreshSession(session.refreshToken, meta, ttl))).code).toBe('UNAUTHENTICATED');
      expect(await h.service.listOwnSessions(user, undefined)).toEqual([]);
    }
  });

  it('admins list and end a customer’s sessions; a customer may not; an admin may not touch another admin’s (FORBIDDEN)', async () => {
    const admin = await h.seedAdmin();
    const otherAdmin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    await h.service.startSession(customer.id, meta, ttl);
    expect(await h.service.listUserSessions(admin, customer.id)).toHaveLength(1);
    expect((await errorOf(h.service.listUserSessions(customer, admin.id))).code).toBe('FORBIDDEN');
    expect((await errorOf(h.service.endUserSessions(admin, otherAdmin.id))).code).toBe('FORBIDDEN');
    expect((await errorOf(h.service.listUserSessions(admin, otherAdmin.id))).code).toBe('FORBIDDEN');
    expect((await errorOf(h.service.listUserSessions(admin, 999_999))).code).toBe('NOT_FOUND');
    await h.service.endUserSessions(admin, customer.id);
    expect(await h.service.listUserSessions(admin, customer.id)).toEqual([]);
  });
});

describe('password reset', () => {
  it('mails a code to known addresses only; the code resets once, ends every session, and logs', async () => {
    const user = await h.seedCustomer({ email: 'reset@example.com' });
    const session = await h.service.startSession(user.id, meta, ttl);
    await h.service.requestPasswordReset({ email: 'nobody@example.com' });
    await h.service.requestPasswordReset({ email: 'RESET@example.com' });
    expect(h.mailer.messages.map((m) => m.to)).toEqual(['reset@example.com']);
    expect(h.mailer.messages[0]!.subject).toMatch(/reset/i);
    const code = h.mailer.lastCodeFor('reset@example.com')!;
    const row = await h.record(user.id);
    expect(row.reset_code).not.toContain(code);
    expect(row.verification_code).toBeNull();
    await h.service.resetPassword({ email: 'reset@example.com', code, new_password: 'a fresh new password' });
    const after = await h.record(user.id);
    expect(after).toMatchObject({ password_hash: 'fake$a fresh new password', token_version: user.token_version + 1, reset_code: null, reset_attempts: 0 });
    expect((await errorOf(h.service.refreshSession(session.refreshToken, meta, ttl))).code).toBe('UNAUTHENTICATED');
    expect((await errorOf(h.service.resetPassword({ email: 'reset@example.com', code, new_password: 'yet another password' }))).code).toBe('INVALID_VERIFICATION_CODE');
    expect(actions(h, user.id)).toEqual(['password_reset_requested', 'password_reset']);
  });

  it('five wrong tries kill the code; an expired code is refused; weak passwords are refused first', async () => {
    const user = await h.seedCustomer({ email: 'tries@example.com' });
    await h.service.requestPasswordReset({ email: user.email });
    const code = h.mailer.lastCodeFor(user.email)!;
    const wrong = code === '000000' ? '000001' : '000000';
    expect((await errorOf(h.service.resetPassword({ email: user.email, code, new_password: 'short' }))).code).toBe('WEAK_PASSWORD');
    for (let i = 0; i < 5; i++) {
      expect((await errorOf(h.service.resetPassword({ email: user.email, code: wrong, new_password: 'a fresh new password' }))).code).toBe('INVALID_VERIFICATION_CODE');
    }
    expect((await errorOf(h.service.resetPassword({ email: user.email, code, new_password: 'a fresh new password' }))).code).toBe('INVALID_VERIFICATION_CODE');
    await h.service.requestPasswordReset({ email: user.email });
    const fresh = h.mailer.lastCodeFor(user.email)!;
    h.clock.advance(10 * 60_000);
    expect((await errorOf(h.service.resetPassword({ email: user.email, code: fresh, new_password: 'a fresh new password' }))).code).toBe('INVALID_VERIFICATION_CODE');
  });

  it('a verification code never resets a password, nor a reset code verifies an email', async () => {
    const registered = await h.service.register({ email: 'both@example.com', password: 'first password here' });
    const verification = h.mailer.lastCodeFor(registered.email)!;
    expect((await errorOf(h.service.resetPassword({ email: registered.email, code: verification, new_password: 'a fresh new password' }))).code).toBe(
      'INVALID_VERIFICATION_CODE',
    );
    await h.service.requestPasswordReset({ email: registered.email });
    const reset = h.mailer.lastCodeFor(registered.email)!;
    if (reset !== verification) expect((await errorOf(h.service.verifyEmail({ email: registered.email, code: reset }))).code).toBe('INVALID_VERIFICATION_CODE');
    await h.service.verifyEmail({ email: registered.email, code: verification });
  });

  it('in the background, answers before the work and reports its failure to onMailError', async () => {
    const user = await h.seedCustomer({ email: 'bg@example.com' });
    await h.service.requestPasswordReset({ email: user.email }, { background: true });
    expect(h.mailer.messages).toHaveLength(0);
    await h.service.settled();
    expect(h.mailer.lastCodeFor(user.email)).toMatch(/^\d{6}$/);
    expect((await errorOf(h.service.requestPasswordReset({ email: 'not an email' }, { background: true }))).code).toBe('VALIDATION_ERROR');
  });
});
