/**
 * Runs and checks the userkit migrations with Kysely's `Migrator`.
 */
import { Migrator, type Kysely } from 'kysely';
import type { Database } from './database';
import { migrations } from './migrations/index';

/**
 * Kysely's migrator over the in-code userkit migrations. Bookkeeping lives in `userkit_migration`
 * and `userkit_migration_lock`, so it never clashes with the host app's own Kysely migrations.
 */
function migratorFor(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'userkit_migration',
    migrationLockTableName: 'userkit_migration_lock',
  });
}

/**
 * Applies every pending userkit migration, in one transaction, under Kysely's migration lock.
 * Safe to call on every start; resolves to the names it applied.
 *
 * @throws Error naming the failed migration, with the database error as `cause`; nothing is applied.
 * @example
 * ```ts
 * const applied = await migrateToLatest(db);
 * if (applied.length) console.log(`migrated: ${applied.join(', ')}`);
 * ```
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results = [] } = await migratorFor(db).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'setup';
    throw new Error(`userkit migration ${failed} failed`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The names of the userkit migrations not yet applied (all of them on an empty database).
 * Reads only; never creates the bookkeeping tables.
 *
 * @example
 * ```ts
 * const pending = await pendingMigrations(db);
 * if (pending.length) throw new Error(`run the migrations first: ${pending.join(', ')}`);
 * ```
 */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await migratorFor(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
