/**
 * The role policy against docs/role-policy.md#actor-target-table, cell by cell.
 *
 * `policyTable` below is the table of docs/role-policy.md#actor-target-table written out row by row so it can be read side by side with the
 * spec; every cell becomes generated `it` cases for each actor/target pair of its row. The row
 * "super admin → anyone" is split into self / another admin / customer, with the spec's
 * qualifiers ("self: with current", "not self", crm "customers only") resolved per row.
 */
import { describe, expect, it } from 'vitest';
import { errorStatus, UserkitError } from './errors';
import { assertAllowed, authorize, authorizeCollection, authorizeFields, relationOf } from './role-policy';
import type { CollectionAction, Decision, PolicyActor, Relation, TargetAction } from './role-policy';
import { accountFields, creditFields, crmFields, profileFields, roleFields, systemFields } from './user-schema';

// ---------------------------------------------------------------------------------------------
// docs/role-policy.md, literally.
// ---------------------------------------------------------------------------------------------

type RowName =
  | 'customer→self'
  | 'customer→anyone else'
  | 'admin→self'
  | 'admin→customer'
  | 'admin→another admin'
  | 'super admin→self'
  | 'super admin→another admin'
  | 'super admin→customer';

type Forbidden = 'FORBIDDEN';

interface SpecRow {
  relation: RowName;
  read: 'yes' | Forbidden;
  profile: 'yes' | 'no' | Forbidden;
  /** '—': crm fields exist on customers only (docs/role-policy.md#field-groups). */
  crm: 'yes' | 'no' | '—' | Forbidden;
  account: 'yes' | 'no' | Forbidden;
  role: 'yes' | 'no' | Forbidden;
  password: 'with current' | 'set' | 'no' | Forbidden;
  delete: 'yes' | 'no' | Forbidden;
  credits: 'read' | 'adjust' | Forbidden;
}

const F: Forbidden = 'FORBIDDEN';

// prettier-ignore
const policyTable: readonly SpecRow[] = [
  { relation: 'customer→self',             read: 'yes', profile: 'yes', crm: 'no',  account: 'no',  role: 'no',  password: 'with current', delete: 'no',  credits: 'read' },
  // "FORBIDDEN for every route"
  { relation: 'customer→anyone else',      read: F,     profile: F,     crm: F,     account: F,     role: F,     password: F,              delete: F,     credits: F },
  { relation: 'admin→self',                read: 'yes', profile: 'yes', crm: '—',   account: 'no',  role: 'no',  password: 'with current', delete: 'no',  credits: 'read' },
  { relation: 'admin→customer',            read: 'yes', profile: 'yes', crm: 'yes', account: 'yes', role: 'no',  password: 'set',          delete: 'yes', credits: 'adjust' },
  { relation: 'admin→another admin',       read: 'yes', profile: 'no',  crm: '—',   account: 'no',  role: 'no',  password: 'no',           delete: 'no',  credits: 'read' },
  // "super admin → anyone | yes | yes | yes | yes | yes | set (self: with current) | yes (not self) | adjust"
  { relation: 'super admin→self',          read: 'yes', profile: 'yes', crm: '—',   account: 'yes', role: 'yes', password: 'with current', delete: 'no',  credits: 'adjust' },
  { relation: 'super admin→another admin', read: 'yes', profile: 'yes', crm: '—',   account: 'yes', role: 'yes', password: 'set',          delete: 'yes', credits: 'adjust' },
  { relation: 'super admin→customer',      read: 'yes', profile: 'yes', crm: 'yes', account: 'yes', role: 'yes', password: 'set',          delete: 'yes', credits: 'adjust' },
];

// ---------------------------------------------------------------------------------------------
// Actors, targets, and which pairs stand for each row.
// ---------------------------------------------------------------------------------------------

const customer: PolicyActor = { id: 1, user_type: 'customer', is_super_admin: false };
const otherCustomer: PolicyActor = { id: 2, user_type: 'customer', is_super_admin: false };
const admin: PolicyActor = { id: 10, user_type: 'admin', is_super_admin: false };
const otherAdmin: PolicyActor = { id: 11, user_type: 'admin', is_super_admin: false };
const superAdmin: PolicyActor = { id: 20, user_type: 'admin', is_super_admin: true };
const otherSuperAdmin: PolicyActor = { id: 21, user_type: 'admin', is_super_admin: true };

interface Pair {
  label: string;
  actor: PolicyActor;
  target: PolicyActor;
}

/** `super admin 20`, `customer 1`: the role and the id. */
const nameOf = (user: PolicyActor) => `${user.is_super_admin ? 'super admin' : user.user_type} ${user.id}`;

/** The pairs of `actor` with each target, labelled `actor → target`. */
const from = (actor: PolicyActor, ...targets: PolicyActor[]): Pair[] => targets.map((target) => ({ label: `${nameOf(actor)} → ${nameOf(target)}`, actor, target }));

const pairs: Record<RowName, readonly Pair[]> = {
  'customer→self': from(customer, customer),
  'customer→anyone else': from(customer, otherCustomer, admin, superAdmin),
  'admin→self': from(admin, admin),
  'admin→customer': from(admin, customer, otherCustomer),
  'admin→another admin': from(admin, otherAdmin, superAdmin),
  'super admin→self': from(superAdmin, superAdmin),
  'super admin→another admin': from(superAdmin, admin, otherSuperAdmin),
  'super admin→customer': from(superAdmin, customer),
};

const relationNames: Record<RowName, Relation> = {
  'customer→self': 'customer-self',
  'customer→anyone else': 'customer-other',
  'admin→self': 'admin-self',
  'admin→customer': 'admin-customer',
  'admin→another admin': 'admin-admin',
  'super admin→self': 'super-self',
  'super admin→another admin': 'super-other',
  'super admin→customer': 'super-other',
};

// ---------------------------------------------------------------------------------------------
// Expected decisions.
// ---------------------------------------------------------------------------------------------

type GroupColumn = 'profile' | 'crm' | 'account' | 'role';

const groupFields: Record<GroupColumn, readonly string[]> = {
  profile: profileFields,
  crm: crmFields,
  account: accountFields,
  role: roleFields,
};
const groupColumns = Object.keys(groupFields) as GroupColumn[];

const allowed: Decision = { allow: true };
const forbidden: Decision = { allow: false, code: 'FORBIDDEN' };
const cannotDeleteSelf: Decision = { allow: false, code: 'CANNOT_DELETE_SELF' };
const notAllowed = (fields: readonly string[]): Decision => ({ allow: false, code: 'FIELD_NOT_ALLOWED', fields: [...fields] });

/** A row whose actor may write no field group at all answers FORBIDDEN, not FIELD_NOT_ALLOWED. */
const writesNothing = (row: SpecRow) => groupColumns.every((column) => row[column] !== 'yes');

/** The expected answer to an update that sets `fields`, all of one denied group. */
const deniedUpdate = (row: SpecRow, fields: readonly string[]): Decision => (writesNothing(row) ? forbidden : notAllowed(fields));

const passwordDecision: Record<SpecRow['password'], Decision> = {
  'with current': { allow: true, passwordMode: 'with-current' },
  set: { allow: true, passwordMode: 'set' },
  no: forbidden,
  FORBIDDEN: forbidden,
};

/** 'no' on an admin's own row is the dedicated code of docs/errors.md (CANNOT_DELETE_SELF); any other 'no' is FORBIDDEN. */
function deleteDecision(row: SpecRow, pair: Pair): Decision {
  if (row.delete === 'yes') return allowed;
  const adminOnSelf = pair.actor.user_type === 'admin' && pair.actor.id === pair.target.id;
  return row.delete === 'no' && adminOnSelf ? cannotDeleteSelf : forbidden;
}

const creditsDecisions: Record<SpecRow['credits'], { read: Decision; adjust: Decision }> = {
  read: { read: allowed, adjust: forbidden },
  adjust: { read: allowed, adjust: allowed },
  FORBIDDEN: { read: forbidden, adjust: forbidden },
};

// ---------------------------------------------------------------------------------------------
// The table, cell by cell.
// ---------------------------------------------------------------------------------------------

describe('role policy table (docs/role-policy.md)', () => {
  it('has the eight rows of docs/role-policy.md', () => {
    expect(policyTable.map((row) => row.relation)).toEqual(Object.keys(pairs));
  });

  for (const row of policyTable) {
    describe(row.relation, () => {
      for (const pair of pairs[row.relation]) {
        const { label, actor, target } = pair;

        describe(label, () => {
          it(`relationOf is ${relationNames[row.relation]}`, () => {
            expect(relationOf(actor, target)).toBe(relationNames[row.relation]);
          });

          it(`read: ${row.read}`, () => {
            const expected = row.read === 'yes' ? allowed : forbidden;
            expect(authorize(actor, 'read', target)).toStrictEqual(expected);
            // GET /users/{id}/activity is "self or admin" too (docs/api.md#credits-and-activity).
            expect(authorize(actor, 'activity.read', target)).toStrictEqual(expected);
          });

          for (const column of groupColumns) {
            const cell = row[column];
            const fields = groupFields[column];

            if (cell === 'yes') {
              it(`${column}: yes (every ${column} field, together and one by one)`, () => {
                expect(authorizeFields(actor, target, fields)).toStrictEqual(allowed);
                expect(authorize(actor, 'update', target, fields)).toStrictEqual(allowed);
                for (const field of fields) {
                  expect(authorizeFields(actor, target, [field]), field).toStrictEqual(allowed);
                  expect(authorize(actor, 'update', target, [field]), field).toStrictEqual(allowed);
                }
              });
            } else {
              const code = writesNothing(row) ? 'FORBIDDEN' : 'FIELD_NOT_ALLOWED';
              it(`${column}: ${cell} → ${code} (every ${column} field, together and one by one)`, () => {
                expect(authorizeFields(actor, target, fields)).toStrictEqual(deniedUpdate(row, fields));
                expect(authorize(actor, 'update', target, fields)).toStrictEqual(deniedUpdate(row, fields));
                for (const field of fields) {
                  expect(authorizeFields(actor, target, [field]), field).toStrictEqual(deniedUpdate(row, [field]));
                  expect(authorize(actor, 'update', target, [field]), field).toStrictEqual(deniedUpdate(row, [field]));
                }
              });

              if (!writesNothing(row)) {
                it(`${column}: ${cell} → FIELD_NOT_ALLOWED names only the ${column} fields when mixed with allowed ones`, () => {
                  const allowedFields = groupColumns.filter((c) => row[c] === 'yes').flatMap((c) => groupFields[c]);
                  expect(allowedFields.length).toBeGreaterThan(0);
                  // Denied fields interleaved with allowed ones: the answer names exactly the denied, in request order.
                  const body = [...allowedFields.slice(0, 1), ...fields, ...allowedFields.slice(1)];
                  expect(authorizeFields(actor, target, body)).toStrictEqual(notAllowed(fields));
                  expect(authorize(actor, 'update', target, body)).toStrictEqual(notAllowed(fields));
                });
              }
            }
          }

          if (writesNothing(row)) {
            it('update of nothing at all is FORBIDDEN too (the actor may write nothing on this target)', () => {
              expect(authorizeFields(actor, target, [])).toStrictEqual(forbidden);
              expect(authorize(actor, 'update', target)).toStrictEqual(forbidden);
            });
          }

          it(`password: ${row.password}`, () => {
            expect(authorize(actor, 'password', target)).toStrictEqual(passwordDecision[row.password]);
          });

          const expectedDelete = deleteDecision(row, pair);
          it(`delete: ${row.delete}${expectedDelete.allow ? '' : ` → ${expectedDelete.code}`}`, () => {
            expect(authorize(actor, 'delete', target)).toStrictEqual(expectedDelete);
          });

          it(`credits: ${row.credits}`, () => {
            expect(authorize(actor, 'credits.read', target)).toStrictEqual(creditsDecisions[row.credits].read);
            expect(authorize(actor, 'credits.adjust', target)).toStrictEqual(creditsDecisions[row.credits].adjust);
          });
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Around the table.
// ---------------------------------------------------------------------------------------------

const everyPair = policyTable.flatMap((row) => pairs[row.relation].map((pair) => ({ row, ...pair })));
const writingPairs = everyPair.filter(({ row }) => !writesNothing(row));

describe('customer → anyone else is FORBIDDEN for every action', () => {
  const actions: TargetAction[] = ['read', 'update', 'password', 'delete', 'credits.read', 'credits.adjust', 'activity.read'];
  for (const { label, actor, target } of pairs['customer→anyone else']) {
    it.each(actions)(`${label}: %s`, (action) => {
      expect(authorize(actor, action, target, action === 'update' ? ['name'] : [])).toStrictEqual(forbidden);
    });
  }
});

describe("crm on an admin target ('—')", () => {
  it('is FIELD_NOT_ALLOWED even for a super admin, on self and on another admin', () => {
    for (const target of [superAdmin, admin, otherSuperAdmin]) {
      expect(authorizeFields(superAdmin, target, crmFields)).toStrictEqual(notAllowed(crmFields));
      expect(authorizeFields(superAdmin, target, ['name', 'lead_status'])).toStrictEqual(notAllowed(['lead_status']));
    }
  });

  it('is allowed when a super admin turns the target into a customer in the same request', () => {
    for (const target of [admin, otherSuperAdmin, superAdmin]) {
      expect(authorizeFields(superAdmin, target, ['user_type', ...crmFields], 'customer')).toStrictEqual(allowed);
      expect(authorizeFields(superAdmin, target, ['user_type', 'is_super_admin', 'lead_status', 'notes', 'name'], 'customer')).toStrictEqual(allowed);
    }
  });

  it('is FIELD_NOT_ALLOWED when a super admin turns a customer into an admin in the same request', () => {
    expect(authorizeFields(superAdmin, customer, ['user_type', ...crmFields], 'admin')).toStrictEqual(notAllowed(crmFields));
    expect(authorizeFields(superAdmin, customer, ['user_type', 'name'], 'admin')).toStrictEqual(allowed);
  });

  it('stays FIELD_NOT_ALLOWED for a plain admin on self whatever resultingType says (no role change for them)', () => {
    expect(authorizeFields(admin, admin, crmFields, 'customer')).toStrictEqual(notAllowed(crmFields));
  });

  it('stays FORBIDDEN for a plain admin on another admin whatever resultingType says', () => {
    expect(authorizeFields(admin, otherAdmin, crmFields, 'customer')).toStrictEqual(forbidden);
  });
});

describe('credits and system fields are never writable through an update', () => {
  const neverWritable = [...creditFields, ...systemFields];

  it('covers the fields named in docs/role-policy.md#field-groups (credits, id, hashes, versions, timestamps)', () => {
    expect(neverWritable).toEqual(
      expect.arrayContaining(['credits', 'id', 'password_hash', 'version', 'token_version', 'created_at', 'updated_at', 'deleted_at']),
    );
  });

  for (const { row, label, actor, target } of writingPairs) {
    it(`${row.relation} (${label}): each is FIELD_NOT_ALLOWED, alone and next to allowed fields`, () => {
      for (const field of neverWritable) {
        expect(authorizeFields(actor, target, [field]), field).toStrictEqual(notAllowed([field]));
        expect(authorize(actor, 'update', target, ['name', field]), field).toStrictEqual(notAllowed([field]));
      }
      expect(authorizeFields(actor, target, ['name', ...neverWritable])).toStrictEqual(notAllowed(neverWritable));
    });
  }

  it('even when a super admin also changes the role', () => {
    expect(authorizeFields(superAdmin, admin, ['user_type', 'credits', 'id'], 'customer')).toStrictEqual(notAllowed(['credits', 'id']));
  });

  it('unknown field names are left to the schema, not judged here', () => {
    expect(authorizeFields(customer, customer, ['no_such_field'])).toStrictEqual(allowed);
  });
});

describe('authorizeCollection', () => {
  const actions: CollectionAction[] = ['list', 'stats', 'export', 'import', 'create'];

  it.each(actions)('customer: %s is FORBIDDEN', (action) => {
    expect(authorizeCollection(customer, action)).toStrictEqual(forbidden);
    expect(authorizeCollection(customer, action, ['email', 'name'])).toStrictEqual(forbidden);
  });

  for (const actor of [admin, superAdmin]) {
    const who = actor.is_super_admin ? 'super admin' : 'admin';
    it.each(actions)(`${who}: %s is allowed`, (action) => {
      expect(authorizeCollection(actor, action)).toStrictEqual(allowed);
    });

    it(`${who}: create with every profile, crm and account field (and a password) is allowed`, () => {
      expect(authorizeCollection(actor, 'create', [...profileFields, ...crmFields, ...accountFields, 'password'])).toStrictEqual(allowed);
    });

    it(`${who}: create with credits or a system field is FIELD_NOT_ALLOWED naming exactly those`, () => {
      for (const field of [...creditFields, ...systemFields]) {
        expect(authorizeCollection(actor, 'create', ['email', field]), field).toStrictEqual(notAllowed([field]));
      }
    });
  }

  it('admin: create with role fields is FIELD_NOT_ALLOWED naming exactly the role fields', () => {
    expect(authorizeCollection(admin, 'create', ['email', 'user_type'])).toStrictEqual(notAllowed(['user_type']));
    expect(authorizeCollection(admin, 'create', ['email', 'is_super_admin'])).toStrictEqual(notAllowed(['is_super_admin']));
    expect(authorizeCollection(admin, 'create', ['email', 'user_type', 'name', 'is_super_admin', 'credits'])).toStrictEqual(
      notAllowed(['user_type', 'is_super_admin', 'credits']),
    );
  });

  it('super admin: create with role fields is allowed', () => {
    expect(authorizeCollection(superAdmin, 'create', ['email', ...roleFields])).toStrictEqual(allowed);
  });
});

describe('assertAllowed', () => {
  function thrown(decision: Decision): UserkitError {
    try {
      assertAllowed(decision);
    } catch (error) {
      expect(error).toBeInstanceOf(UserkitError);
      return error as UserkitError;
    }
    throw new Error('assertAllowed did not throw');
  }

  it('does not throw on an allowing decision', () => {
    expect(() => assertAllowed(authorize(admin, 'read', customer))).not.toThrow();
    expect(() => assertAllowed(authorize(customer, 'password', customer))).not.toThrow();
  });

  it('throws FORBIDDEN (403) without fields', () => {
    const error = thrown(authorize(customer, 'read', otherCustomer));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.status).toBe(errorStatus.FORBIDDEN);
    expect(error.status).toBe(403);
    expect(error.fields).toBeUndefined();
  });

  it('throws FIELD_NOT_ALLOWED (403) with the denied fields', () => {
    const error = thrown(authorize(customer, 'update', customer, ['name', 'status', 'credits']));
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.status).toBe(errorStatus.FIELD_NOT_ALLOWED);
    expect(error.status).toBe(403);
    expect(error.fields).toEqual(['status', 'credits']);
    expect(error.detail).toContain('status');
  });

  it('throws FIELD_NOT_ALLOWED for role fields on create by a plain admin', () => {
    const error = thrown(authorizeCollection(admin, 'create', ['email', 'user_type']));
    expect(error.code).toBe('FIELD_NOT_ALLOWED');
    expect(error.fields).toEqual(['user_type']);
  });

  it('throws CANNOT_DELETE_SELF (409) without fields', () => {
    for (const actor of [admin, superAdmin]) {
      const error = thrown(authorize(actor, 'delete', actor));
      expect(error.code).toBe('CANNOT_DELETE_SELF');
      expect(error.status).toBe(errorStatus.CANNOT_DELETE_SELF);
      expect(error.status).toBe(409);
      expect(error.fields).toBeUndefined();
    }
  });
});
