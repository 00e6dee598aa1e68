/**
 * `@userkit/kysely/testing`: databases for tests under vitest (docs/stores.md). A migrated
 * database per test file on PGlite, and on PostgreSQL when `DATABASE_URL` is set, emptied before
 * each test; brand-new empty ones for migration tests; scratch databases on a PostgreSQL server.
 *
 * @packageDocumentation
 */
export { databaseTargets, scratchDatabases, testStoreEnabled } from './test-databases';
export type { DatabaseTarget, ScratchDatabase, TestDatabase } from './test-databases';
