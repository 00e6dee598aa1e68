/**
 * The userkit migrations, in code (no folder is read at run time, so they survive bundling).
 * Names sort in execution order.
 */
import type { Migration } from 'kysely';
import { seedUsersMigration } from './0001-seed-users';
import { userkitMigration } from './0002-userkit';
import { listIndexesMigration } from './0003-list-indexes';
import { sessionsMigration } from './0004-sessions';
import { storageSettingsMigration } from './0005-storage-settings';

/**
 * Every userkit migration by name, for Kysely's `Migrator` (or `migrateToLatest`, which uses
 * them). Use it to run them with your own migrator settings.
 *
 * @example
 * ```ts
 * const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: 'userkit_migration', migrationLockTableName: 'userkit_migration_lock' });
 * ```
 */
export const migrations: Record<string, Migration> = {
  '0001_seed_users': seedUsersMigration,
  '0002_userkit': userkitMigration,
  '0003_list_indexes': listIndexesMigration,
  '0004_sessions': sessionsMigration,
  '0005_storage_settings': storageSettingsMigration,
};
