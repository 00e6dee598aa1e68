/**
 * The Kysely schema of the userkit tables (SPEC 3). Column names are the seed app's, unchanged.
 */
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';
import type { LeadStatus, UserStatus, UserType } from '@userkit/core';

/** `users`: customers and admins in one table. */
export interface UsersTable {
  id: Generated<number>;
  /** Stored trimmed and lower-cased; unique on `lower(email)`. */
  email: string;
  password_hash: string;
  user_type: UserType;
  status: UserStatus;
  name: string | null;
  /** Unique on `lower(username)` when present. */
  username: string | null;
  phone: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  zip_code: string | null;
  country: string | null;
  business_site: string | null;
  /** `text[]`; a database created by the old app may hold NULL, read as `[]`. */
  additional_websites: ColumnType<string[] | null, string[] | undefined, string[]>;
  business_type: string | null;
  lead_status: LeadStatus | null;
  notes: string | null;
  is_super_admin: Generated<boolean>;
  is_authenticated: Generated<boolean>;
  email_verified: Generated<boolean>;
  /** A hash of the verification code, never the code. */
  verification_code: string | null;
  verification_expires: Date | null;
  /** Never below zero (CHECK `users_credits_nonnegative`). */
  credits: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  last_login: Date | null;
  /** Generated (migration 3): the searchable fields, lower-cased, joined by U+001F, for `q`. Never selected as a user field. */
  search_text: GeneratedAlways<string>;
  version: Generated<number>;
  token_version: Generated<number>;
  verification_attempts: Generated<number>;
  deleted_at: Date | null;
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

/** `credit_transactions`: the credit ledger, one row per adjustment. */
export interface CreditTransactionsTable {
  id: Generated<number>;
  user_id: number;
  actor_id: number | null;
  amount: number;
  /** The user's credits after this adjustment; never below zero. */
  balance_after: number;
  reason: string;
  /** Unique per user when present, so a retried adjustment applies once. */
  idempotency_key: string | null;
  created_at: Generated<Date>;
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
}
