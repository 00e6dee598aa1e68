/**
 * The Kysely schema of the userkit tables (docs/data-model.md). Column names are the seed app's, unchanged.
 */
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';
import type { CreditTransactionRecord, UserColumn, UserColumnTable, UserRecord } from '@userkit/core';
import type { SessionRecord } from '@userkit/core/server';

/**
 * The type of one `users` column, derived from the column table of `@userkit/core`: columns a new
 * row must be given are plain, nullable ones are optional on insert as they are, the others have
 * a database default.
 */
type UserColumnType<K extends UserColumn> = K extends 'additional_websites'
  ? // `text[]`; a database created by the old app may hold NULL, read as `[]`.
    ColumnType<string[] | null, string[] | undefined, string[]>
  : UserColumnTable[K]['insert'] extends 'required'
    ? UserRecord[K]
    : null extends UserRecord[K]
      ? UserRecord[K]
      : Generated<UserRecord[K]>;

/** The declared columns of `users`, as Kysely sees them. */
type DeclaredUsersColumns = { [K in UserColumn]: UserColumnType<K> };

/** `users`: customers and admins in one table. Column names are the seed app's, unchanged. */
export interface UsersTable extends DeclaredUsersColumns {
  /** Generated (migration 3): the searchable fields, lower-cased, joined by U+001F, for `q`. Never selected as a user field. */
  search_text: GeneratedAlways<string>;
}

/** `user_activity`: the append-only activity log. */
export interface UserActivityTable {
  id: Generated<number>;
  user_id: number;
  actor_id: number | null;
  action: string;
  /** `jsonb`; written as a JSON string, read as an object. */
  changes: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: Generated<Date>;
}

/**
 * `credit_transactions`: the credit ledger, one row per adjustment, with the columns of core's
 * `CreditTransactionRecord` (`balance_after` never below zero; `idempotency_key` unique per user
 * when present, so a retried adjustment applies once); `id` and `created_at` have defaults.
 */
export interface CreditTransactionsTable extends Omit<CreditTransactionRecord, 'id' | 'created_at'> {
  id: Generated<number>;
  created_at: Generated<Date>;
}

/** `user_sessions` (migration 4): one row per refresh token, the `SessionRecord` of `@userkit/core/server`. */
export interface UserSessionsTable extends Omit<SessionRecord, 'revoked_at' | 'replaced_by'> {
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  replaced_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * The tables userkit reads and writes.
 *
 * @example
 * ```ts
 * import { Kysely } from 'kysely';
 * import type { Database } from '@userkit/kysely';
 *
 * const db = new Kysely<Database>({ dialect });
 * const admins = await db.selectFrom('users').select(['id', 'email']).where('user_type', '=', 'admin').execute();
 * ```
 */
export interface Database {
  users: UsersTable;
  user_activity: UserActivityTable;
  credit_transactions: CreditTransactionsTable;
  user_sessions: UserSessionsTable;
}
