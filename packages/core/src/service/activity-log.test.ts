/**
 * The activity a user's life leaves, across the capabilities.
 * Over the in-memory repository, the memory mailer and a manual clock; a fake hasher
 * (`fake$<password>`) keeps the suite fast, the real bcrypt hasher is used only where bcrypt matters.
 */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/fixtures';
import { actions, otherCode, freshEachTest, h } from '../../test/service-suite';


freshEachTest();

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
