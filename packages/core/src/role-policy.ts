/**
 * The role policy of docs/role-policy.md as pure functions: no I/O, no clock, nothing but the two users and
 * what the actor wants to do.
 */
import type { ErrorCode } from './errors';
import { UserkitError } from './errors';
import { fieldGroup, type FieldGroup } from './user-columns';
import type { UserType } from './user-field-schemas';
import type { UserRecord } from './user-record';

/** Who acts: the signed-in user. */
export type PolicyActor = Pick<UserRecord, 'id' | 'user_type' | 'is_super_admin'>;
/** Whom the action is on. */
export type PolicyTarget = Pick<UserRecord, 'id' | 'user_type' | 'is_super_admin'>;

/** Actions on one user (a column of the table in docs/role-policy.md#actor-target-table). */
export type TargetAction =
  | 'read'
  | 'update'
  | 'password'
  | 'delete'
  | 'credits.read'
  | 'credits.adjust'
  | 'activity.read';

/** Actions on the collection. */
export type CollectionAction = 'list' | 'create' | 'stats' | 'export' | 'import';

/** How a password change must be made. */
export type PasswordMode = 'with-current' | 'set';

/** The policy's answer. */
export type Decision =
  | { allow: true; passwordMode?: PasswordMode }
  | { allow: false; code: Extract<ErrorCode, 'FORBIDDEN' | 'FIELD_NOT_ALLOWED' | 'CANNOT_DELETE_SELF'>; fields?: string[] };

/** The relation of actor to target, the rows of docs/role-policy.md#actor-target-table. */
export type Relation = 'customer-self' | 'customer-other' | 'admin-self' | 'admin-customer' | 'admin-admin' | 'super-self' | 'super-other';

export function relationOf(actor: PolicyActor, target: Pick<PolicyTarget, 'id' | 'user_type'>): Relation {
  const self = actor.id === target.id;
  if (actor.user_type !== 'admin') return self ? 'customer-self' : 'customer-other';
  if (actor.is_super_admin) return self ? 'super-self' : 'super-other';
  if (self) return 'admin-self';
  return target.user_type === 'admin' ? 'admin-admin' : 'admin-customer';
}

const allow: Decision = { allow: true };
const forbidden: Decision = { allow: false, code: 'FORBIDDEN' };

/**
 * Field groups each relation may write through an update (docs/role-policy.md#field-groups). The body schemas of
 * `user-schema.ts` and the create rights below are derived from these rows.
 */
export const writableGroups = {
  'customer-self': ['profile'],
  'customer-other': [],
  'admin-self': ['profile'],
  'admin-customer': ['profile', 'crm', 'account'],
  'admin-admin': [],
  'super-self': ['profile', 'crm', 'account', 'role'],
  'super-other': ['profile', 'crm', 'account', 'role'],
} as const satisfies Record<Relation, readonly FieldGroup[]>;

/**
 * Field groups an admin may set when creating a user: what it may write on a customer, and a
 * super admin what it may write on anyone else.
 */
export const creatableGroups = {
  admin: writableGroups['admin-customer'],
  super: writableGroups['super-other'],
} as const;

/** The field groups `actor` may write on `target`. */
export function writableGroupsFor(actor: PolicyActor, target: Pick<PolicyTarget, 'id' | 'user_type'>): readonly FieldGroup[] {
  return writableGroups[relationOf(actor, target)];
}

/**
 * May `actor` set these fields on `target`? Unknown field names are not judged here (the schema
 * rejects them); system and credits fields are never writable. CRM fields exist only on
 * customers: `resultingType` is the target's type after the update (a super admin may change it
 * in the same request).
 */
export function authorizeFields(
  actor: PolicyActor,
  target: Pick<PolicyTarget, 'id' | 'user_type'>,
  fields: readonly string[],
  resultingType: UserType = target.user_type,
): Decision {
  const groups = writableGroupsFor(actor, target);
  if (groups.length === 0) return forbidden;
  const denied = fields.filter((field) => {
    const group = fieldGroup[field];
    if (group === undefined) return false;
    if (group === 'crm' && resultingType !== 'customer') return true;
    return !groups.includes(group);
  });
  return denied.length > 0 ? { allow: false, code: 'FIELD_NOT_ALLOWED', fields: denied } : allow;
}

/**
 * May `actor` do `action` on `target`? For `update`, pass the fields being set.
 *
 * @example
 * ```ts
 * authorize(customer, 'read', someoneElse); // { allow: false, code: 'FORBIDDEN' }
 * authorize(admin, 'password', customer);   // { allow: true, passwordMode: 'set' }
 * ```
 */
export function authorize(actor: PolicyActor, action: TargetAction, target: PolicyTarget, fields: readonly string[] = []): Decision {
  const relation = relationOf(actor, target);
  if (relation === 'customer-other') return forbidden;
  switch (action) {
    case 'read':
    case 'activity.read':
    case 'credits.read':
      return allow;
    case 'update':
      return authorizeFields(actor, target, fields);
    case 'password':
      if (relation === 'customer-self' || relation === 'admin-self' || relation === 'super-self') return { allow: true, passwordMode: 'with-current' };
      if (relation === 'admin-customer' || relation === 'super-other') return { allow: true, passwordMode: 'set' };
      return forbidden;
    case 'delete':
      if (relation === 'admin-self' || relation === 'super-self') return { allow: false, code: 'CANNOT_DELETE_SELF' };
      if (relation === 'admin-customer' || relation === 'super-other') return allow;
      return forbidden;
    case 'credits.adjust':
      return relation === 'admin-customer' || relation === 'super-other' || relation === 'super-self' ? allow : forbidden;
  }
}

/** May `actor` do a collection action? `create` also needs the fields (only a super admin sets role fields). */
export function authorizeCollection(actor: PolicyActor, action: CollectionAction, fields: readonly string[] = []): Decision {
  if (actor.user_type !== 'admin') return forbidden;
  if (action !== 'create') return allow;
  const groups: readonly FieldGroup[] = creatableGroups[actor.is_super_admin ? 'super' : 'admin'];
  const denied = fields.filter((field) => {
    const group = fieldGroup[field];
    return group !== undefined && !groups.includes(group);
  });
  return denied.length > 0 ? { allow: false, code: 'FIELD_NOT_ALLOWED', fields: denied } : allow;
}

/** Throws the decision's error when it denies. */
export function assertAllowed(decision: Decision): asserts decision is Extract<Decision, { allow: true }> {
  if (decision.allow) return;
  const detail =
    decision.code === 'FIELD_NOT_ALLOWED'
      ? `You may not set: ${(decision.fields ?? []).join(', ')}`
      : decision.code === 'CANNOT_DELETE_SELF'
        ? 'You cannot delete your own account'
        : 'You may not do this';
  throw new UserkitError(decision.code, { detail, ...(decision.fields ? { fields: decision.fields } : {}) });
}
