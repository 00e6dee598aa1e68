/**
 * Reading and updating one user (`user-admin.ts` over the change path of `user-change.ts`).
 * Over the in-memory repository, the memory mailer and a manual clock; a fake hasher
 * (`fake$<password>`) keeps the suite fast, the real bcrypt hasher is used only where bcrypt matters.
 */
import { hashVerificationCode } from '../verification-code';
import { describe, expect, it } from 'vitest';
import { codeOf, testCodeSecret, errorOf, expectPublicUser, startTime } from '../../test/fixtures';
import { actions, expectRefused, tenMinutes, freshEachTest, h } from '../../test/service-suite';


freshEachTest();

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
    const body = { name: 'Eve', status: 'active', credits: 1000, is_super_admin: true, password_hash: 'x' };
    const error = await expectRefused(h.service.update(customer, customer.id, body as never), 'FIELD_NOT_ALLOWED', 403, customer);
    expect(error.fields).toEqual(['status', 'credits', 'is_super_admin', 'password_hash']);
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
    const error = await errorOf(h.service.update(customer, customer.id, { email: 'bad', business_site: 'javascript:void(0)', nickname: 'x' } as never));
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
      await expectRefused(h.service.update(superAdmin, superAdmin.id, body), 'LAST_SUPER_ADMIN', 409, superAdmin);
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
