/**
 * Every list derived from the column table against the table itself: a column missing from a
 * derived list (or present where the table says it must not be) fails here. The kysely tests
 * compare the table with the migrated database's columns.
 */
import { describe, expect, it } from 'vitest';
import { exportOnlyColumns, importRowSchema } from './import-schema';
import { MemoryUserRepository } from './memory-user-repository';
import { authorizeCollection, authorizeFields, creatableGroups, relationOf, writableGroups, type PolicyActor, type Relation } from './role-policy';
import { exportColumns } from './user-export';
import { fieldGroup, importableColumns, publicColumns, secretColumns, timestampColumns, userColumnNames, userColumns, type ColumnSpec, type FieldGroup } from './user-columns';
import { toPublicUser, type UserRecord } from './user-record';
import {
  accountFields,
  adminCreateSchema,
  creditFields,
  crmFields,
  profileFields,
  registerSchema,
  roleFields,
  superAdminCreateSchema,
  systemFields,
  updateSchemaFor,
  userSchema,
} from './user-schema';

const spec = (name: string): ColumnSpec => (userColumns as Record<string, ColumnSpec>)[name] as ColumnSpec;
const sorted = (names: Iterable<string>) => [...names].sort();
const keysOf = (schema: { shape: object }) => sorted(Object.keys(schema.shape));
/** The columns whose body field is writable by the given groups. */
const writableBy = (groups: readonly FieldGroup[]) => sorted(userColumnNames.filter((name) => spec(name).input !== undefined && groups.includes(spec(name).group)));

/** A record with every column set, typed by `UserRecord`: a column the type lacks fails to compile. */
const record: UserRecord = {
  id: 7,
  email: 'ada@example.com',
  password_hash: 'hash',
  user_type: 'customer',
  status: 'active',
  name: 'Ada',
  username: 'ada',
  phone: '+1 555',
  address: '1 Street',
  city: 'London',
  state: 'LDN',
  zip_code: 'N1',
  country: 'UK',
  business_site: 'https://ada.example',
  additional_websites: ['https://b.example'],
  business_type: 'engines',
  lead_status: 'lead',
  notes: 'note',
  is_super_admin: false,
  is_authenticated: true,
  email_verified: true,
  verification_code: 'code-hash',
  verification_expires: new Date('2026-01-01T00:00:00Z'),
  credits: 5,
  created_at: new Date('2025-01-01T00:00:00Z'),
  updated_at: new Date('2025-02-01T00:00:00Z'),
  last_login: new Date('2025-03-01T00:00:00Z'),
  version: 3,
  token_version: 1,
  verification_attempts: 2,
  reset_code: 'f'.repeat(64),
  reset_expires: new Date('2025-01-01T00:10:00Z'),
  reset_attempts: 1,
  deleted_at: null,
};

describe('the column table', () => {
  it('the record type has exactly the table\'s columns', () => {
    expect(sorted(Object.keys(record))).toEqual(sorted(userColumnNames));
  });

  it('every column is in exactly one field group, and the group lists cover the table', () => {
    const groups = [profileFields, crmFields, accountFields, roleFields, creditFields, systemFields].flat();
    expect(sorted(groups)).toEqual(sorted(userColumnNames));
    for (const name of userColumnNames) expect(fieldGroup[name], name).toBe(spec(name).group);
    expect(fieldGroup['constructor']).toBeUndefined();
  });

  it('public columns: toPublicUser and the wire schema send exactly them, in table order; secrets never', () => {
    const user = toPublicUser(record);
    expect(Object.keys(user)).toEqual(publicColumns);
    expect(Object.keys(userSchema.shape)).toEqual(publicColumns);
    expect(userSchema.parse(user)).toEqual(user);
    expect(user.created_at).toBe('2025-01-01T00:00:00.000Z');
    for (const name of [...secretColumns, 'deleted_at']) expect(user, name).not.toHaveProperty(name);
    for (const name of secretColumns) expect(spec(name).wire, name).toBeUndefined();
  });

  it('timestamp columns are exactly those whose stored value is a Date, in table order', () => {
    expect(timestampColumns).toEqual(userColumnNames.filter((name) => spec(name).record.safeParse(new Date(0)).success));
    expect(timestampColumns).toEqual(userColumnNames.filter((name) => record[name] instanceof Date || name === 'deleted_at'));
  });

  it('export columns are the exported ones, all public; import ignores the public columns it may not set', () => {
    expect(exportColumns).toEqual(userColumnNames.filter((name) => spec(name).exported));
    for (const name of exportColumns) expect(publicColumns, name).toContain(name);
    expect(sorted(exportOnlyColumns)).toEqual(sorted(publicColumns.filter((name) => !importableColumns.includes(name) && name !== 'credits')));
  });

  it('an import row carries the importable columns and the credentials, nothing else', () => {
    expect(keysOf(importRowSchema)).toEqual(sorted([...importableColumns, 'password', 'password_hash']));
    expect(sorted(importableColumns)).toEqual(writableBy(creatableGroups.super));
  });

  it('every column a body may set is in a writable group, and every column of those groups has a body field', () => {
    const writable: FieldGroup[] = ['profile', 'crm', 'account', 'role'];
    for (const name of userColumnNames) expect(spec(name).input !== undefined, name).toBe(writable.includes(spec(name).group));
  });

  it('a new row in the memory repository has every column', async () => {
    const created = await new MemoryUserRepository().insert({ email: 'New@Example.com', password_hash: 'h', user_type: 'customer', status: 'active' });
    expect(sorted(Object.keys(created))).toEqual(sorted(userColumnNames));
    expect(created).toMatchObject({ email: 'new@example.com', credits: 0, version: 1, token_version: 0, verification_attempts: 0, additional_websites: [], deleted_at: null });
  });
});

describe('per-role write sets, all from writableGroups', () => {
  const customer: PolicyActor = { id: 1, user_type: 'customer', is_super_admin: false };
  const admin: PolicyActor = { id: 2, user_type: 'admin', is_super_admin: false };
  const root: PolicyActor = { id: 3, user_type: 'admin', is_super_admin: true };
  const otherCustomer = { id: 9, user_type: 'customer' as const, is_super_admin: false };
  const cases: [Relation, PolicyActor, { id: number; user_type: 'customer' | 'admin' }][] = [
    ['customer-self', customer, customer],
    ['admin-self', admin, admin],
    ['admin-customer', admin, otherCustomer],
    ['super-self', root, root],
    ['super-other', root, otherCustomer],
  ];

  for (const [relation, actor, target] of cases) {
    it(`${relation}: the update schema and the policy agree with the table`, () => {
      expect(relationOf(actor, target)).toBe(relation);
      const allowed = writableBy(writableGroups[relation]);
      const schema = updateSchemaFor(relation) as unknown as { shape: object };
      expect(keysOf(schema)).toEqual(allowed);
      expect(authorizeFields(actor, target, allowed, 'customer')).toEqual({ allow: true });
      const denied = userColumnNames.filter((name) => !allowed.includes(name));
      const decision = authorizeFields(actor, target, denied, 'customer');
      expect(decision.allow ? [] : sorted(decision.fields ?? [])).toEqual(sorted(denied));
    });
  }

  it('create: the schemas and authorizeCollection agree with creatableGroups; register with the self row', () => {
    expect(keysOf(adminCreateSchema)).toEqual(sorted([...writableBy(creatableGroups.admin), 'password']));
    expect(keysOf(superAdminCreateSchema)).toEqual(sorted([...writableBy(creatableGroups.super), 'password']));
    expect(keysOf(registerSchema)).toEqual(sorted([...writableBy(writableGroups['customer-self']), 'password']));
    expect(authorizeCollection(admin, 'create', writableBy(creatableGroups.admin))).toEqual({ allow: true });
    expect(authorizeCollection(root, 'create', writableBy(creatableGroups.super))).toEqual({ allow: true });
    const rootOnly = writableBy(creatableGroups.super).filter((name) => !writableBy(creatableGroups.admin).includes(name));
    expect(rootOnly).toEqual(sorted(roleFields));
    expect(authorizeCollection(admin, 'create', rootOnly)).toMatchObject({ allow: false, fields: rootOnly });
  });
});
