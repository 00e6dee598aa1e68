/**
 * Migration 5: room on every page of `users` for updates in place.
 *
 * `users` gets `fillfactor = 90`: pages are filled to 90% on insert, so an update that changes no
 * indexed column (a sign-in's `last_login`, credits, a city, a version bump) finds room on its own
 * page and is a HOT update: no index is touched. On full pages every such update wrote a new entry
 * into every index, the trigram index included, whose pending list (flushed only by a vacuum or at
 * 4 MB) every search scans in full: after a few hundred profile edits a common search's count ran
 * several times slower (docs/benchmarks.md, "What moved each figure"). Pages written before this
 * migration keep their fill until they are rewritten.
 *
 * A storage parameter: no rewrite, no long lock; idempotent.
 */
import { sql, type Migration } from 'kysely';

/** Sets the fill factor of the users table. */
export const storageSettingsMigration: Migration = {
  up: async (db) => {
    await sql`ALTER TABLE users SET (fillfactor = 90)`.execute(db);
  },
};
