/**
 * docs/role-policy.md#actor-target-table over HTTP: every cell of the role policy table (credits excluded: not a route yet),
 * BOLA (customers learn nothing about other ids), and mass assignment (FIELD_NOT_ALLOWED, nothing
 * changed).
 */
import { expect, it } from 'vitest';
import { describeEachTarget } from './harness';
import { expectProblem, login, outcome, seedAs, storedRow, type RoleKind, type SeededUser } from './support';

type Action = 'read' | 'profile' | 'crm' | 'account' | 'role' | 'password' | 'delete';
type Target = 'self' | RoleKind;
type Expected = 200 | 204 | 'FORBIDDEN' | 'FIELD_NOT_ALLOWED' | 'CANNOT_DELETE_SELF';

const actions: Action[] = ['read', 'profile', 'crm', 'account', 'role', 'password', 'delete'];
const allForbidden = Object.fromEntries(actions.map((a) => [a, 'FORBIDDEN'])) as Record<Action, Expected>;

/** docs/role-policy.md#actor-target-table, one row per actor → target. "—" (CRM fields on an admin) answers FIELD_NOT_ALLOWED. */
const table: { actor: RoleKind; target: Target; expect: Record<Action, Expected> }[] = [
  {
    actor: 'customer',
    target: 'self',
    expect: { read: 200, profile: 200, crm: 'FIELD_NOT_ALLOWED', account: 'FIELD_NOT_ALLOWED', role: 'FIELD_NOT_ALLOWED', password: 204, delete: 'FORBIDDEN' },
  },
  { actor: 'customer', target: 'customer', expect: allForbidden },
  { actor: 'customer', target: 'admin', expect: allForbidden },
  { actor: 'customer', target: 'super', expect: allForbidden },
  {
    actor: 'admin',
    target: 'self',
    expect: { read: 200, profile: 200, crm: 'FIELD_NOT_ALLOWED', account: 'FIELD_NOT_ALLOWED', role: 'FIELD_NOT_ALLOWED', password: 204, delete: 'CANNOT_DELETE_SELF' },
  },
  {
    actor: 'admin',
    target: 'customer',
    expect: { read: 200, profile: 200, crm: 200, account: 200, role: 'FIELD_NOT_ALLOWED', password: 204, delete: 204 },
  },
  { actor: 'admin', target: 'admin', expect: { ...allForbidden, read: 200 } },
  { actor: 'admin', target: 'super', expect: { ...allForbidden, read: 200 } },
  {
    actor: 'super',
    target: 'self',
    expect: { read: 200, profile: 200, crm: 'FIELD_NOT_ALLOWED', account: 200, role: 200, password: 204, delete: 'CANNOT_DELETE_SELF' },
  },
  { actor: 'super', target: 'customer', expect: { read: 200, profile: 200, crm: 200, account: 200, role: 200, password: 204, delete: 204 } },
  { actor: 'super', target: 'admin', expect: { read: 200, profile: 200, crm: 'FIELD_NOT_ALLOWED', account: 200, role: 200, password: 204, delete: 204 } },
  { actor: 'super', target: 'super', expect: { read: 200, profile: 200, crm: 'FIELD_NOT_ALLOWED', account: 200, role: 200, password: 204, delete: 204 } },
];

/** The role change each kind of target gets: promote a customer, promote an admin, demote a super admin. */
const roleBody = (kind: RoleKind) =>
  kind === 'customer' ? { user_type: 'admin' } : kind === 'admin' ? { is_super_admin: true } : { is_super_admin: false };

/** Every privileged field a customer might try to set on itself, with a tempting value. */
const privileged: Record<string, unknown> = {
  status: 'active',
  email_verified: true,
  user_type: 'admin',
  is_super_admin: true,
  credits: 1_000_000,
  lead_status: 'qualified',
  notes: 'vip',
  id: 1,
  password_hash: 'test$0000',
  version: 99,
  token_version: 0,
  created_at: '2000-01-01T00:00:00.000Z',
  verification_code: '123456',
};

describeEachTarget('role policy', ({ h, startEach }) => {
  startEach();

  let bystander: SeededUser;

  /** Runs one cell on fresh users; checks the effect of an allowed action and that a denied one changed nothing. */
  async function cell(actorKind: RoleKind, targetKind: Target, action: Action, expected: Expected): Promise<number | string> {
    const actor = await seedAs(h, actorKind, { name: 'Actor' });
    const target: SeededUser = targetKind === 'self' ? actor : await seedAs(h, targetKind, { name: 'Target' });
    const kind: RoleKind = targetKind === 'self' ? actorKind : targetKind;
    const id = target.user.id;
    const before = await storedRow(h, id);
    const path = `/api/users/${id}`;
    const token = actor.token;
    const newPassword = 'a brand new passphrase';
    let res;
    switch (action) {
      case 'read':
        res = await h.request('GET', path, { token });
        break;
      case 'profile':
        res = await h.request('PUT', path, { token, body: { city: 'Lisbon' } });
        break;
      case 'crm':
        res = await h.request('PUT', path, { token, body: { lead_status: 'qualified' } });
        break;
      case 'account':
        res = await h.request('PUT', path, { token, body: { email_verified: false } });
        break;
      case 'role':
        res = await h.request('PUT', path, { token, body: roleBody(kind) });
        break;
      case 'password':
        res = await h.request('POST', `${path}/password`, {
          token,
          body: targetKind === 'self' ? { current_password: actor.password, new_password: newPassword } : { new_password: newPassword },
        });
        break;
      case 'delete':
        res = await h.request('DELETE', path, { token });
        break;
    }
    const got = outcome(res);
    if (got !== expected) return got;
    const after = await storedRow(h, id);
    if (typeof expected === 'string') {
      expectProblem(res, expected === 'CANNOT_DELETE_SELF' ? 409 : 403, expected);
      expect(after, `${action}: a denied request changed nothing`).toEqual(before);
      return got;
    }
    const body = res.json as Record<string, unknown>;
    if (action === 'read') {
      expect(body['id']).toBe(id);
      expect(res.headers.get('etag')).toBe(`"${id}.${target.user.version}"`);
    }
    if (action === 'profile') expect([body['city'], after?.city]).toEqual(['Lisbon', 'Lisbon']);
    if (action === 'crm') expect([body['lead_status'], after?.lead_status]).toEqual(['qualified', 'qualified']);
    if (action === 'account') expect([body['email_verified'], after?.email_verified]).toEqual([false, false]);
    if (action === 'role') {
      const change = roleBody(kind);
      for (const [k, v] of Object.entries(change)) expect(body[k]).toBe(v);
      expect(after?.token_version, 'a role change revokes the target’s tokens').toBe((before?.token_version ?? 0) + 1);
    }
    if (action === 'password') {
      expect(res.text).toBe('');
      expect((await login(h, target.user.email, newPassword)).status).toBe(200);
    }
    if (action === 'delete') {
      expect(res.text).toBe('');
      expect(after?.deleted_at).not.toBeNull();
      expect((await h.request('GET', path, { token: bystander.token })).status).toBe(404);
    }
    return got;
  }

  it.each(table)('$actor → $target', async ({ actor, target, expect: expected }) => {
    // Another active super admin, so no cell runs into LAST_SUPER_ADMIN.
    bystander = await seedAs(h, 'super', { name: 'Bystander' });
    const got: Record<string, number | string> = {};
    for (const action of actions) got[action] = await cell(actor, target, action, expected[action]);
    expect(got).toEqual(expected);
  });

  it('BOLA: a customer gets the same 403 FORBIDDEN for every id but its own, existing or not', async () => {
    const customer = await seedAs(h, 'customer');
    const otherCustomer = await seedAs(h, 'customer');
    const admin = await seedAs(h, 'admin');
    const superAdmin = await seedAs(h, 'super');
    const deleted = await seedAs(h, 'customer');
    expect((await h.request('DELETE', `/api/users/${deleted.user.id}`, { token: superAdmin.token })).status).toBe(204);
    const ids = [otherCustomer.user.id, admin.user.id, superAdmin.user.id, deleted.user.id, 999_999];
    const calls = (id: number) =>
      [
        ['GET', `/api/users/${id}`, undefined],
        ['PUT', `/api/users/${id}`, { city: 'Nowhere' }],
        ['PUT', `/api/users/${id}`, { user_type: 'admin', is_super_admin: true }],
        ['DELETE', `/api/users/${id}`, undefined],
        ['POST', `/api/users/${id}/password`, { current_password: customer.password, new_password: 'stolen passphrase' }],
        ['POST', `/api/users/${id}/password`, { new_password: 'stolen passphrase' }],
      ] as const;
    const bodies = new Map<string, string>();
    for (const id of ids) {
      const before = await storedRow(h, id);
      for (const [method, path, body] of calls(id)) {
        const res = await h.request(method, path, { token: customer.token, body });
        expectProblem(res, 403, 'FORBIDDEN');
        // Byte-identical answers: nothing distinguishes an existing id from a missing one.
        const key = `${method} ${path.replace(String(id), ':id')} ${JSON.stringify(body)}`;
        if (!bodies.has(key)) bodies.set(key, res.text);
        expect(res.text, `${key} on id ${id}`).toBe(bodies.get(key));
      }
      expect(await storedRow(h, id)).toEqual(before);
    }
    // Their own id still works.
    expect((await h.request('GET', `/api/users/${customer.user.id}`, { token: customer.token })).status).toBe(200);
  });

  it('admins and super admins get 404 NOT_FOUND for a missing or deleted id', async () => {
    const admin = await seedAs(h, 'admin');
    const superAdmin = await seedAs(h, 'super');
    const deleted = await seedAs(h, 'customer');
    expect((await h.request('DELETE', `/api/users/${deleted.user.id}`, { token: superAdmin.token })).status).toBe(204);
    for (const actor of [admin, superAdmin]) {
      for (const id of [999_999, deleted.user.id]) {
        expectProblem(await h.request('GET', `/api/users/${id}`, { token: actor.token }), 404, 'NOT_FOUND');
        expectProblem(await h.request('PUT', `/api/users/${id}`, { token: actor.token, body: { city: 'X' } }), 404, 'NOT_FOUND');
        expectProblem(await h.request('DELETE', `/api/users/${id}`, { token: actor.token }), 404, 'NOT_FOUND');
        expectProblem(await h.request('POST', `/api/users/${id}/password`, { token: actor.token, body: { new_password: 'a brand new passphrase' } }), 404, 'NOT_FOUND');
      }
    }
  });

  it('mass assignment: a customer setting privileged fields on itself gets FIELD_NOT_ALLOWED naming them, and nothing changes', async () => {
    const customer = await seedAs(h, 'customer', { status: 'pending', email_verified: false, name: 'Plain' });
    const path = `/api/users/${customer.user.id}`;
    const before = await h.request<Record<string, unknown>>('GET', path, { token: customer.token });
    const storedBefore = await storedRow(h, customer.user.id);

    const all = await h.request('PUT', path, { token: customer.token, body: { city: 'Sneaky', ...privileged } });
    const problem = expectProblem(all, 403, 'FIELD_NOT_ALLOWED');
    expect([...(problem.fields ?? [])].sort()).toEqual(Object.keys(privileged).sort());
    for (const [field, value] of Object.entries(privileged)) {
      const one = await h.request('PUT', path, { token: customer.token, body: { name: 'Sneaky', [field]: value } });
      expect(expectProblem(one, 403, 'FIELD_NOT_ALLOWED').fields, field).toEqual([field]);
    }

    const after = await h.request<Record<string, unknown>>('GET', path, { token: customer.token });
    expect(after.status).toBe(200);
    expect(after.json).toEqual(before.json);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
    expect(await storedRow(h, customer.user.id)).toEqual(storedBefore);
  });

  it('mass assignment: an admin setting role, credit or system fields on a customer gets FIELD_NOT_ALLOWED, and nothing changes', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const path = `/api/users/${customer.user.id}`;
    const storedBefore = await storedRow(h, customer.user.id);
    const attempts: [Record<string, unknown>, string[]][] = [
      [{ user_type: 'admin' }, ['user_type']],
      [{ is_super_admin: true }, ['is_super_admin']],
      [{ city: 'X', user_type: 'admin', is_super_admin: true }, ['user_type', 'is_super_admin']],
      [{ credits: 500 }, ['credits']],
      [{ notes: 'ok', token_version: 9, version: 1 }, ['token_version', 'version']],
    ];
    for (const [body, fields] of attempts) {
      const res = await h.request('PUT', path, { token: admin.token, body });
      expect([...(expectProblem(res, 403, 'FIELD_NOT_ALLOWED').fields ?? [])].sort(), JSON.stringify(body)).toEqual([...fields].sort());
    }
    // An admin also may not give itself a role.
    const self = await h.request('PUT', `/api/users/${admin.user.id}`, { token: admin.token, body: { is_super_admin: true } });
    expect(expectProblem(self, 403, 'FIELD_NOT_ALLOWED').fields).toEqual(['is_super_admin']);
    expect(await storedRow(h, customer.user.id)).toEqual(storedBefore);
    expect((await storedRow(h, admin.user.id))?.is_super_admin).toBe(false);
  });

  it('mass assignment on create: an admin creating an admin, a super admin or setting credits gets FIELD_NOT_ALLOWED, and nothing is created', async () => {
    const admin = await seedAs(h, 'admin');
    const attempts: [Record<string, unknown>, string[]][] = [
      [{ user_type: 'admin' }, ['user_type']],
      [{ user_type: 'admin', is_super_admin: true }, ['user_type', 'is_super_admin']],
      [{ credits: 100 }, ['credits']],
      [{ id: 1, created_at: '2000-01-01T00:00:00Z' }, ['id', 'created_at']],
    ];
    let n = 0;
    for (const [extra, fields] of attempts) {
      const email = `escalate${++n}@example.com`;
      const res = await h.request('POST', '/api/users', { token: admin.token, body: { email, password: 'a sturdy passphrase', ...extra } });
      expect([...(expectProblem(res, 403, 'FIELD_NOT_ALLOWED').fields ?? [])].sort(), JSON.stringify(extra)).toEqual([...fields].sort());
      expect(await h.repository.findByEmail(email, { includeDeleted: true })).toBeUndefined();
    }
    // The same request without the privileged fields succeeds: it was the fields, not the body.
    const ok = await h.request<{ user_type: string }>('POST', '/api/users', { token: admin.token, body: { email: 'plain@example.com', password: 'a sturdy passphrase' } });
    expect(ok.status).toBe(201);
    expect(ok.json.user_type).toBe('customer');
  });

  it('a super admin may create admins and super admins', async () => {
    const superAdmin = await seedAs(h, 'super');
    const admin = await h.request<{ user_type: string; is_super_admin: boolean }>('POST', '/api/users', {
      token: superAdmin.token,
      body: { email: 'new-admin@example.com', password: 'a sturdy passphrase', user_type: 'admin' },
    });
    expect(admin.status).toBe(201);
    expect(admin.json).toMatchObject({ user_type: 'admin', is_super_admin: false });
    const root = await h.request<{ user_type: string; is_super_admin: boolean }>('POST', '/api/users', {
      token: superAdmin.token,
      body: { email: 'new-root@example.com', password: 'a sturdy passphrase', user_type: 'admin', is_super_admin: true },
    });
    expect(root.status).toBe(201);
    expect(root.json).toMatchObject({ user_type: 'admin', is_super_admin: true });
  });
});
