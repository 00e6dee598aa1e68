export type { CreditTransactionsTable, Database, UserActivityTable, UsersTable } from './database';
export { KyselyUserRepository } from './kysely-user-repository';
export { createDatabase } from './create-database';
export { PgliteLockedError, lockPgliteDirectory, pgliteLockFileName } from './pglite-lock';
export type { PgliteLock } from './pglite-lock';
export type { CreateDatabaseOptions, UserkitDatabase } from './create-database';
export { migrateToLatest, pendingMigrations } from './migrator';
export { migrations } from './migrations/index';
export { TransactionConflictError, mapDatabaseError } from './map-database-error';
