/**
 * Migration 3: indexes shaped like the list queries (measured by `npm run bench:admin`).
 *
 * - `search_text`: one stored generated column, lower-cased, joining the five searchable fields
 *   (email, name, username, phone, business_site) with U+001F, a character the search text may
 *   not contain, so a match never spans two fields. One trigram index on it replaces the five
 *   per-column ones: `q` becomes one `LIKE` (several times cheaper per row than `ILIKE`) that the
 *   planner estimates well and answers with one bitmap scan.
 * - Sort keys of the list written exactly as the repository orders by them, so a page sorted by
 *   name or email is an index scan that stops after `limit + 1` rows (created_at has one since
 *   migration 2). Not partial (`WHERE deleted_at IS NULL`): a partial index matches every query
 *   that filters live users, and before a table's first ANALYZE the planner picks a full scan of
 *   one over the primary key or the trigram index, far slower per lookup (docs/benchmarks.md).
 *   Deleted users are few; indexing them costs little.
 *
 * Additive and idempotent, like migration 2; the trigram part is best effort (skipped with a
 * notice where pg_trgm cannot be installed).
 */
import { sql, type Kysely, type Migration } from 'kysely';

const searchColumns = ['email', 'name', 'username', 'phone', 'business_site'];

const statements = [
  `ALTER TABLE users ADD COLUMN IF NOT EXISTS search_text text GENERATED ALWAYS AS (lower(
     ${searchColumns.map((c) => `coalesce(${c}, '')`).join(` || E'\\x1f' || `)}
   )) STORED`,
  `DO $$
   BEGIN
     CREATE EXTENSION IF NOT EXISTS pg_trgm;
     CREATE INDEX IF NOT EXISTS users_search_text_trgm_idx ON users USING gin (search_text gin_trgm_ops);
     ${searchColumns.map((c) => `DROP INDEX IF EXISTS users_${c}_trgm_idx;`).join('\n     ')}
   EXCEPTION WHEN OTHERS THEN
     RAISE NOTICE 'userkit: no trigram search index (%)', SQLERRM;
   END $$`,
  `CREATE INDEX IF NOT EXISTS users_name_sort_idx ON users ((lower(coalesce(name, '')) COLLATE "C"), id)`,
  'CREATE INDEX IF NOT EXISTS users_email_sort_idx ON users ((email COLLATE "C"), id)',
];

async function run(db: Kysely<unknown>, sqlStatements: readonly string[]): Promise<void> {
  for (const statement of sqlStatements) await sql.raw(statement).execute(db);
}

/** Adds the search column and the list indexes. */
export const listIndexesMigration: Migration = {
  up: (db) => run(db, statements),
};
