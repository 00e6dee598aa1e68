/**
 * Creating, deleting, setting passwords and listing (`user-admin.ts`).
 * Over the in-memory repository, the memory mailer and a manual clock; a fake hasher
 * (`fake$<password>`) keeps the suite fast, the real bcrypt hasher is used only where bcrypt matters.
 */
import { describe, expect, it } from 'vitest';
import { codeOf, errorOf, expectPublicUser, fakeHash, startTime } from '../../test/fixtures';
import { actions, expectRefused, freshEachTest, h, hasher } from '../../test/service-suite';


freshEachTest();

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
    for (const actor of [admin, superAdmin]) await expectRefused(h.service.delete(actor, actor.id), 'CANNOT_DELETE_SELF', 409, actor);
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
    await expectRefused(h.service.changePassword(customer, customer.id, { current_password: 'not it at all', new_password: next }), 'INVALID_CURRENT_PASSWORD', 400, customer);
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

  it('counts on the first page only: later pages carry its total, and never count again', async () => {
    const admin = await h.seedAdmin();
    for (const name of ['Ada', 'Grace', 'Hedy', 'Ida', 'Joan']) await h.seedCustomer({ name });
    const first = await h.service.list(admin, { user_type: 'customer', sort: 'name', limit: 2 });
    expect(first).toMatchObject({ total: 5, total_capped: false });
    await h.seedCustomer({ name: 'Zoe' });
    const counted: unknown[] = [];
    const list = h.repository.list.bind(h.repository);
    h.repository.list = (query, options) => {
      counted.push(options?.knownTotal);
      return list(query, options);
    };
    const second = await h.service.list(admin, { user_type: 'customer', sort: 'name', limit: 2, cursor: first.next_cursor ?? '' });
    expect(second.items.map((u) => u.name)).toEqual(['Hedy', 'Ida']);
    expect(second).toMatchObject({ total: 5, total_capped: false });
    const third = await h.service.list(admin, { user_type: 'customer', sort: 'name', limit: 2, cursor: second.next_cursor ?? '' });
    expect(third.items.map((u) => u.name)).toEqual(['Joan', 'Zoe']);
    expect(third).toMatchObject({ total: 5, total_capped: false, next_cursor: null });
    expect(counted).toEqual([{ cursor: expect.any(String), total: 5, capped: false }, { cursor: expect.any(String), total: 5, capped: false }]);
    // A cursor of another sort, or a forged one, is refused.
    expect(await codeOf(h.service.list(admin, { sort: 'email', cursor: first.next_cursor ?? '' }))).toBe('VALIDATION_ERROR');
    expect(await codeOf(h.service.list(admin, { cursor: 'bm90LWEtY3Vyc29y' }))).toBe('VALIDATION_ERROR');
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
