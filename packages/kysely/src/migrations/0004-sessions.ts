/**
 * Migration 4: sessions and password reset (docs/sessions.md). Additive and idempotent, like
 * migrations 2 and 3.
 *
 * - `users.reset_code`, `reset_expires`, `reset_attempts`: the password reset code (a keyed hash),
 *   apart from the verification code's columns so neither flow's code serves the other.
 * - `user_sessions`: one row per refresh token; the rows of one sign-in share a `family_id` (the
 *   session). Only a SHA-256 of each token is stored. A rotated row keeps `replaced_by`, so a
 *   replayed old token is recognised and ends its family; rows go when they expire (pruned in
 *   small batches at sign-in and refresh, by `user_sessions_expires_at_idx`).
 * - The per-request check of an access token's session looks a live head row up by family:
 *   `user_sessions_live_family_idx` holds only those rows, so it stays small however many rotated
 *   and ended rows wait for pruning.
 */
import { sql, type Kysely, type Migration } from 'kysely';

const statements = [
  'ALTER TABLE users ADD COLUMN IF NOT EXISTS reset_code text',
  'ALTER TABLE users ADD COLUMN IF NOT EXISTS reset_expires timestamptz',
  'ALTER TABLE users ADD COLUMN IF NOT EXISTS reset_attempts integer NOT NULL DEFAULT 0',
  `CREATE TABLE IF NOT EXISTS user_sessions (
     id text PRIMARY KEY,
     user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     family_id text NOT NULL,
     token_hash text NOT NULL,
     created_at timestamptz NOT NULL,
     last_used_at timestamptz NOT NULL,
     expires_at timestamptz NOT NULL,
     user_agent text,
     ip text,
     revoked_at timestamptz,
     replaced_by text
   )`,
  'CREATE UNIQUE INDEX IF NOT EXISTS user_sessions_token_hash_key ON user_sessions (token_hash)',
  'CREATE INDEX IF NOT EXISTS user_sessions_family_id_idx ON user_sessions (family_id)',
  'CREATE INDEX IF NOT EXISTS user_sessions_user_id_idx ON user_sessions (user_id)',
  'CREATE INDEX IF NOT EXISTS user_sessions_expires_at_idx ON user_sessions (expires_at)',
  'CREATE INDEX IF NOT EXISTS user_sessions_live_family_idx ON user_sessions (family_id, user_id) WHERE revoked_at IS NULL AND replaced_by IS NULL',
];

async function run(db: Kysely<unknown>, sqlStatements: readonly string[]): Promise<void> {
  for (const statement of sqlStatements) await sql.raw(statement).execute(db);
}

/** Adds the reset-code columns and the sessions table. */
export const sessionsMigration: Migration = {
  up: (db) => run(db, statements),
};
