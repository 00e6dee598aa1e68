/**
 * A user as stored: every column of the column table (`user-columns.ts`), timestamps as `Date`.
 * Only repositories and the service see it; everything sent out goes through {@link toPublicUser}.
 */
import type * as z from 'zod';
import { publicColumns, userColumns, type OptionalColumn, type PatchableColumn, type RequiredColumn, type UserColumn } from './user-columns';
import type { User } from './user-schema';

/** A stored user: one property per column, typed by the column table. */
export type UserRecord = { -readonly [K in UserColumn]: z.output<(typeof userColumns)[K]['record']> };

/** What a repository needs to insert a user; everything else takes its column default. */
export type NewUserRecord = Pick<UserRecord, RequiredColumn> & Partial<Pick<UserRecord, OptionalColumn>>;

/** The columns a repository `update` may change (credits change only through the ledger). */
export type UserPatch = Partial<Pick<UserRecord, PatchableColumn>>;

export { secretColumns } from './user-columns';

/**
 * The wire form of a user: every public column of the table, timestamps as ISO-8601 text, no
 * secret column.
 *
 * @example
 * ```ts
 * res.json({ user: toPublicUser(record) });
 * ```
 */
export function toPublicUser(record: UserRecord): User {
  const user: Record<string, unknown> = {};
  for (const column of publicColumns) {
    const value = record[column];
    user[column] = value instanceof Date ? value.toISOString() : value;
  }
  return user as User;
}

/** True when the user is an active super admin: the role the system must never run out of. */
export function isActiveSuperAdmin(user: Pick<UserRecord, 'user_type' | 'is_super_admin' | 'status' | 'deleted_at'>): boolean {
  return user.user_type === 'admin' && user.is_super_admin && user.status === 'active' && user.deleted_at === null;
}

/** The columns of a new row as the database fills them: the input, then each column's initial value. */
export function withColumnDefaults(values: NewUserRecord, now: Date): Omit<UserRecord, 'id'> {
  const row: Record<string, unknown> = {};
  for (const name of Object.keys(userColumns) as UserColumn[]) {
    if (name === 'id') continue;
    const spec: { insert: string; initial?: (now: Date) => unknown } = userColumns[name];
    const given = spec.insert === 'fixed' ? undefined : (values as Partial<Record<UserColumn, unknown>>)[name];
    row[name] = given !== undefined ? given : spec.initial?.(now);
  }
  return row as Omit<UserRecord, 'id'>;
}
