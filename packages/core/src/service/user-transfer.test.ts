/**
 * The import through the service: an update row follows the same rules as `update()` (they share
 * the change path of `user-change.ts`).
 */
import { describe, expect, it } from 'vitest';
import bcrypt from 'bcryptjs';
import { BcryptPasswordHasher } from '../bcrypt-password-hasher';
import { createHarness, errorOf, fakeHash } from '../../test/fixtures';

/** An NDJSON body as the handler streams it in. */
async function* ndjson(...rows: object[]): AsyncGenerator<string> {
  yield rows.map((row) => JSON.stringify(row)).join('\n');
}
const ndjsonType = 'application/x-ndjson';

describe('importUsers with on_conflict=update: the rules of update()', () => {
  it('a super admin promotes an existing admin with a row that leaves out user_type, as PUT does', async () => {
    const h = createHarness();
    const root = await h.seedSuperAdmin();
    const admin = await h.seedAdmin({ email: 'adm@x.com' });
    const viaPut = await h.seedAdmin({ email: 'put@x.com' });

    const result = await h.service.importUsers(root, ndjson({ email: 'adm@x.com', is_super_admin: true }), ndjsonType, { on_conflict: 'update' });
    expect(result).toMatchObject({ created: 0, updated: 1, skipped: 0 });
    expect(await h.record(admin.id)).toMatchObject({ user_type: 'admin', is_super_admin: true, token_version: admin.token_version + 1 });
    expect(h.repository.activityFor(admin.id).map((a) => [a.action, a.changes])).toEqual([['imported', { is_super_admin: { old: false, new: true } }]]);

    const updated = await h.service.update(root, viaPut.id, { is_super_admin: true });
    expect(updated).toMatchObject({ user_type: 'admin', is_super_admin: true });
  });

  it('a customer made super admin without becoming an admin: the same VALIDATION_ERROR as update()', async () => {
    const h = createHarness();
    const root = await h.seedSuperAdmin();
    const customer = await h.seedCustomer({ email: 'cus@x.com' });
    const viaImport = await errorOf(h.service.importUsers(root, ndjson({ email: 'cus@x.com', is_super_admin: true }), ndjsonType, { on_conflict: 'update' }));
    const viaUpdate = await errorOf(h.service.update(root, customer.id, { is_super_admin: true }));
    expect(viaUpdate.code).toBe('VALIDATION_ERROR');
    expect(viaImport.code).toBe('VALIDATION_ERROR');
    expect(viaImport.errors).toEqual([{ row: 1, ...viaUpdate.errors?.[0] }]);
    expect(await h.record(customer.id)).toEqual(customer);
  });

  it('an admin turned customer loses the super admin flag; a customer turned admin loses its CRM fields', async () => {
    const h = createHarness();
    const root = await h.seedSuperAdmin();
    const other = await h.seedSuperAdmin({ email: 'other@x.com' });
    const lead = await h.seedCustomer({ email: 'lead@x.com', lead_status: 'lead', notes: 'call back' });
    await h.service.importUsers(root, ndjson({ email: 'other@x.com', user_type: 'customer' }, { email: 'lead@x.com', user_type: 'admin' }), ndjsonType, { on_conflict: 'update' });
    expect(await h.record(other.id)).toMatchObject({ user_type: 'customer', is_super_admin: false });
    expect(await h.record(lead.id)).toMatchObject({ user_type: 'admin', lead_status: null, notes: null });
  });

  it('marking an address verified voids the pending code and activates a pending user; an unchanged row writes nothing', async () => {
    const h = createHarness();
    const admin = await h.seedAdmin();
    const pending = await h.seedCustomer({ email: 'pending@x.com', status: 'pending', email_verified: false, verification_code: 'hash', verification_expires: new Date(h.clock.now().getTime() + 60_000) });
    const same = await h.seedCustomer({ email: 'same@x.com', city: 'Porto' });
    const result = await h.service.importUsers(admin, ndjson({ email: 'pending@x.com', email_verified: true }, { email: 'same@x.com', city: 'Porto' }), ndjsonType, { on_conflict: 'update' });
    expect(result).toMatchObject({ updated: 2 });
    expect(await h.record(pending.id)).toMatchObject({ status: 'active', email_verified: true, verification_code: null, verification_expires: null });
    expect(await h.record(same.id)).toEqual(same);
    expect(h.repository.activityFor(same.id)).toEqual([]);
  });

  it('a new password revokes the tokens; a profile change does not', async () => {
    const h = createHarness();
    const admin = await h.seedAdmin();
    const a = await h.seedCustomer({ email: 'a@x.com' });
    const b = await h.seedCustomer({ email: 'b@x.com' });
    await h.service.importUsers(admin, ndjson({ email: 'a@x.com', password: 'a new import passphrase' }, { email: 'b@x.com', city: 'Faro' }), ndjsonType, { on_conflict: 'update' });
    expect(await h.record(a.id)).toMatchObject({ password_hash: fakeHash('a new import passphrase'), token_version: a.token_version + 1 });
    expect(await h.record(b.id)).toMatchObject({ city: 'Faro', token_version: b.token_version });
  });

  it('the last active super admin cannot be demoted by an import', async () => {
    const h = createHarness();
    const root = await h.seedSuperAdmin({ email: 'root@x.com' });
    const error = await errorOf(h.service.importUsers(root, ndjson({ email: 'root@x.com', is_super_admin: false }), ndjsonType, { on_conflict: 'update' }));
    expect(error.code).toBe('LAST_SUPER_ADMIN');
    expect(await h.record(root.id)).toEqual(root);
  });
});

describe('importUsers: password_hash costs follow the configured hasher', () => {
  const legacy = bcrypt.hashSync('a legacy passphrase', 10);
  const withCost = (cost: number) => legacy.replace('$10$', `$${cost}$`);

  it('a hasher accepting cost 18 takes an imported cost-18 hash; the default range still stops at 16', async () => {
    const lenient = createHarness({ hasher: new BcryptPasswordHasher({ cost: 10, maxCost: 18 }) });
    const root = await lenient.seedSuperAdmin();
    const result = await lenient.service.importUsers(root, ndjson({ email: 'eighteen@x.com', password_hash: withCost(18) }), ndjsonType);
    expect(result).toMatchObject({ created: 1 });
    const refused = await errorOf(lenient.service.importUsers(root, ndjson({ email: 'nineteen@x.com', password_hash: withCost(19) }), ndjsonType));
    expect(refused.errors?.[0]?.message).toMatch(/cost from 10 to 18/);

    const strict = createHarness();
    const admin = await strict.seedSuperAdmin();
    const byDefault = await errorOf(strict.service.importUsers(admin, ndjson({ email: 'eighteen@x.com', password_hash: withCost(18) }), ndjsonType));
    expect(byDefault.errors?.[0]?.message).toMatch(/cost from 10 to 16/);
  });
});
