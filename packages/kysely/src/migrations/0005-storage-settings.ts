/**
 * Migration 5: storage settings for a table that every request reads and many requests write.
 *
 * - `users` gets `fillfactor = 90`: pages are filled to 90% on insert, so an update that changes
 *   no indexed column (a sign-in's `last_login`, credits, a city, a version bump) finds room on its
 *   own page and is a HOT update: no index is touched. Pages written before this migration keep
 *   their fill until they are rewritten.
 * - The trigram index gets `gin_pending_list_limit = 64` (kB, PostgreSQL's minimum). A GIN index
 *   queues new entries in a pending list that every search scans in full, until a vacuum or the
 *   limit (4 MB by default) flushes it. With a stream of writes that list grew to hundreds of
 *   entries between vacuums and a common search ran several times slower (docs/benchmarks.md,
 *   "What moved each figure"); at 64 kB the writer that fills it flushes it, so a search scans at
 *   most a few pages of pending entries and bulk inserts still batch their index work.
 *
 * Both are storage parameters: no rewrite, no long lock; idempotent. The index part is skipped
 * where migration 3 could not create the trigram index.
 */
import { sql, type Migration } from 'kysely';

const statements = [
  'ALTER TABLE users SET (fillfactor = 90)',
  `DO $$
   BEGIN
     IF to_regclass('users_search_text_trgm_idx') IS NOT NULL THEN
       ALTER INDEX users_search_text_trgm_idx SET (gin_pending_list_limit = 64);
     END IF;
   END $$`,
];

/** Sets the storage parameters of the users table and its search index. */
export const storageSettingsMigration: Migration = {
  up: async (db) => {
    for (const statement of statements) await sql.raw(statement).execute(db);
  },
};
