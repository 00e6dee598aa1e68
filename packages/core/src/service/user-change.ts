/**
 * The one change path of a user row. Create, update, import, registration and the super admin
 * seed all plan their write here, so they share one set of rules:
 * - role consistency: only admins are super admins (asking for both is an error; demoting an
 *   admin to customer drops the flag);
 * - CRM fields exist only on customers (setting them on an admin is an error; an admin's are
 *   cleared);
 * - email verification: a new or changed address gets a fresh code unless it is marked
 *   verified; marking an address verified voids the pending code and activates a pending user;
 * - token revocation: a change of role, status or password revokes the user's tokens;
 * - the activity diff: the changed columns as `{ old, new }`, secrets left out.
 * Then {@link applyUserChange} writes one planned change with its activity entry (the import
 * writes its creates in batches).
 */
import { UserkitError } from '../errors';
import { patchableColumns, secretColumns, type UserColumn } from '../user-columns';
import { type NewUserRecord, type UserPatch, type UserRecord } from '../user-record';
import type { SessionStore } from '../session-store';
import type { UserRepository } from '../user-repository';
import type { UserChangeFields } from '../user-schema';
import { generateVerificationCode, type VerificationCodeHasher } from '../verification-code';
import { guardLastSuperAdmin, preconditionFailed } from './target-access';

/** What a caller asks to change, already parsed and authorised. */
export interface UserChangeRequest {
  /** The fields to set (undefined: left as is). A create needs `email`. */
  data: UserChangeFields;
  /** A new password hash; setting one revokes the user's tokens. */
  passwordHash?: string | undefined;
  now: Date;
  /** Lifetime of a new verification code. */
  verificationTtlMs: number;
  /** How a new code is stored (keyed by the server's code secret). */
  codes: VerificationCodeHasher;
  /** Whether a new unverified address gets a code (default true; an import sends none). */
  issueCode?: boolean;
}

/** A planned insert. */
export interface CreatePlan {
  kind: 'create';
  values: NewUserRecord;
  now: Date;
  /** The verification code to mail once the write commits. */
  code: string | undefined;
}

/** A planned update. */
export interface UpdatePlan {
  kind: 'update';
  now: Date;
  before: UserRecord;
  /** The row as it will be. */
  next: UserRecord;
  /** The columns to write; empty when nothing changes. */
  patch: UserPatch;
  /** The changed columns for the activity log, secrets left out. */
  changes: Record<string, { old: unknown; new: unknown }>;
  /** The activity action of a plain update. */
  action: 'updated' | 'role_changed' | 'status_changed';
  code: string | undefined;
}

export type UserChangePlan = CreatePlan | UpdatePlan;

/** The defaults of a created user: an active, unverified customer. */
const createDefaults = { user_type: 'customer', is_super_admin: false, status: 'active', email_verified: false } as const;

/** Columns whose values never enter the activity log (nor does the bookkeeping of every write). */
const unloggedColumns: ReadonlySet<string> = new Set<string>([...secretColumns, 'verification_expires', 'updated_at', 'version']);

/** Applies the rules to `data` on `before` (undefined: a new user) and says what to write. */
export async function planUserChange(before: UserRecord | undefined, request: UserChangeRequest): Promise<UserChangePlan> {
  const data = stripUndefined(request.data);
  const next = { ...(before ?? createDefaults), ...data } as UserRecord;

  if (next.user_type === 'customer' && next.is_super_admin) {
    if (data.is_super_admin === true) {
      throw new UserkitError('VALIDATION_ERROR', {
        detail: 'Only admins can be super admins',
        errors: [{ path: 'is_super_admin', message: 'Only admins can be super admins', code: 'custom' }],
      });
    }
    next.is_super_admin = false;
  }
  if (next.user_type === 'admin') {
    const crm = (['lead_status', 'notes'] as const).filter((field) => data[field] != null);
    if (crm.length > 0) throw new UserkitError('FIELD_NOT_ALLOWED', { detail: 'Lead status and notes exist only on customers', fields: crm });
    if (before) Object.assign(next, { lead_status: null, notes: null });
  }
  if (request.passwordHash !== undefined) next.password_hash = request.passwordHash;

  let code: string | undefined;
  const issueCode = async () => {
    code = generateVerificationCode();
    next.verification_code = await request.codes.hash(next.email, code);
    next.verification_expires = new Date(request.now.getTime() + request.verificationTtlMs);
    next.verification_attempts = 0;
  };

  if (!before) {
    if (typeof data.email !== 'string') throw new Error('planUserChange: a new user needs an email');
    if (!next.email_verified && request.issueCode !== false) await issueCode();
    if (next.password_hash === undefined) throw new Error('planUserChange: a new user needs a password hash');
    return { kind: 'create', now: request.now, values: { ...next, created_at: request.now, updated_at: request.now }, code };
  }

  if (next.email !== before.email && data.email_verified !== true) {
    if (data.email_verified === undefined) next.email_verified = false;
    if (request.issueCode !== false) await issueCode();
  }
  if (data.email_verified === true && !before.email_verified) {
    // An admin vouches for the address: the pending code is void, and pending becomes active.
    Object.assign(next, { verification_code: null, verification_expires: null, verification_attempts: 0 });
    if (data.status === undefined && before.status === 'pending') next.status = 'active';
  }

  const changes = diff(before, next);
  const written = patchableColumns.filter((column) => !sameValue(before[column], next[column]));
  const patch = Object.fromEntries(written.map((column) => [column, next[column]])) as UserPatch;
  const roleChanged = 'user_type' in changes || 'is_super_admin' in changes;
  const statusChanged = 'status' in changes;
  if (written.length > 0) {
    patch.updated_at = request.now;
    next.updated_at = request.now;
    if (roleChanged || statusChanged || request.passwordHash !== undefined) {
      patch.token_version = before.token_version + 1;
      next.token_version = patch.token_version;
    }
  }
  const action = roleChanged ? 'role_changed' : statusChanged ? 'status_changed' : 'updated';
  return { kind: 'update', now: request.now, before, next, patch, changes, action, code };
}

/** How {@link applyUserChange} records the write. */
export interface ApplyOptions {
  /** Who acts: a user id, `self` (the changed user, as at registration) or null (the system). */
  actorId: number | 'self' | null;
  /** The activity action; default `created`, or the update plan's action. */
  action?: string;
  /** The activity changes of a create (default null). */
  createdChanges?: Record<string, unknown> | null;
  /** An update applies only to this row version (PRECONDITION_FAILED otherwise). */
  expectedVersion?: number;
  /** Where the user's sessions live, if not `tx.sessions` (a bumped token version ends them). */
  sessions?: SessionStore | undefined;
}

/**
 * Writes one planned change and its activity entry, inside `tx`. An update that touches neither
 * roles nor sessions is one statement and may run on the repository itself, outside a
 * transaction (the entry still commits with it). An update that would remove the
 * last active super admin fails with LAST_SUPER_ADMIN. Returns the row as stored (for an update
 * that changes nothing, the row as it was, and nothing is written).
 */
export async function applyUserChange(tx: UserRepository, plan: UserChangePlan, options: ApplyOptions): Promise<UserRecord> {
  if (plan.kind === 'create') {
    const user = await tx.insert(plan.values);
    await tx.appendActivity({ user_id: user.id, actor_id: options.actorId === 'self' ? user.id : options.actorId, action: options.action ?? 'created', changes: options.createdChanges ?? null, created_at: plan.now });
    return user;
  }
  if (isUnchanged(plan)) return plan.before;
  await guardLastSuperAdmin(tx, plan.before, plan.next);
  // The activity entry rides on the update (one statement in the Kysely store).
  const activity = { actor_id: options.actorId === 'self' ? plan.before.id : options.actorId, action: options.action ?? plan.action, changes: plan.changes, created_at: plan.now };
  const updated = await tx.update(plan.before.id, plan.patch, { expectedVersion: options.expectedVersion, activity });
  if (!updated) throw preconditionFailed();
  // A bumped token version (role, status or password change) ends the user's sessions too.
  if (plan.patch.token_version !== undefined) await (options.sessions ?? tx.sessions)?.revokeAll(updated.id, plan.now);
  return updated;
}

/** True when an update plan writes nothing. */
export function isUnchanged(plan: UpdatePlan): boolean {
  return Object.keys(plan.patch).length === 0;
}

/** Changed columns as `{ column: { old, new } }`, secrets and bookkeeping left out. */
export function diff(before: UserRecord, after: UserRecord): Record<string, { old: unknown; new: unknown }> {
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const key of Object.keys(after) as UserColumn[]) {
    if (unloggedColumns.has(key)) continue;
    if (!sameValue(before[key], after[key])) changes[key] = { old: before[key], new: after[key] };
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `value` without its undefined properties. */
export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
