/**
 * Loading the user an action is on, and the guards every write shares: the role policy, and the
 * rule that the system never runs out of active super admins.
 */
import { UserkitError } from '../errors';
import { assertAllowed, authorize, authorizeFields, type PolicyActor, type TargetAction } from '../role-policy';
import { isActiveSuperAdmin, type UserRecord } from '../user-record';
import type { UserRepository } from '../user-repository';
import type { UserType } from '../user-field-schemas';

/** The caller of a service method: the signed-in user as loaded for this request. */
export type Actor = PolicyActor;

/** How {@link loadTarget} loads and judges. */
export interface LoadTargetOptions {
  /** Lock the row (inside a transaction). */
  lock?: boolean;
  /** For `update`: the fields being set. */
  fields?: string[];
  /** For `update`: the target's type after the update. */
  resultingType?: UserType | undefined;
  /** The target as this request already loaded it (`null`: known to be missing). */
  loaded?: UserRecord | null | undefined;
}

/**
 * Loads a live target and checks the action. Customers asking for anyone else get FORBIDDEN
 * before any lookup, so they cannot learn which ids exist.
 */
export async function loadTarget(repo: UserRepository, actor: Actor, id: number, action: TargetAction, options: LoadTargetOptions = {}): Promise<UserRecord> {
  if (actor.user_type !== 'admin' && actor.id !== id) throw new UserkitError('FORBIDDEN', { detail: 'You may not do this' });
  const target = options.loaded !== undefined ? (options.loaded ?? undefined) : await repo.findById(id, { lock: options.lock ?? false });
  if (!target) throw new UserkitError('NOT_FOUND', { detail: 'No such user' });
  const decision =
    action === 'update' ? authorizeFields(actor, target, options.fields ?? [], options.resultingType ?? target.user_type) : authorize(actor, action, target);
  assertAllowed(decision);
  return target;
}

/**
 * LAST_SUPER_ADMIN when `after` would remove the last active super admin. Lock order: every
 * transaction that may demote a super admin locks the super admin rows before the target row,
 * so two super admins demoting each other queue instead of deadlocking.
 */
export async function guardLastSuperAdmin(tx: UserRepository, before: UserRecord, after: UserRecord): Promise<void> {
  if (!isActiveSuperAdmin(before) || isActiveSuperAdmin(after)) return;
  const ids = await tx.activeSuperAdminIds({ lock: true });
  if (!ids.some((other) => other !== before.id)) {
    throw new UserkitError('LAST_SUPER_ADMIN', { detail: 'This would leave no active super admin' });
  }
}

export function preconditionFailed(): UserkitError {
  return new UserkitError('PRECONDITION_FAILED', { detail: 'The user was changed by someone else; reload and try again' });
}
