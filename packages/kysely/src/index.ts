export type { CreditTransactionsTable, Database, UserActivityTable, UsersTable } from './database';
export { KyselyUserRepository } from './kysely-user-repository';
export { createDatabase } from './create-database';
export { PGliteDialect } from './pglite-dialect';
export type { CreateDatabaseOptions, UserkitDatabase } from './create-database';
export { migrateToLatest, pendingMigrations } from './migrator';
export { migrations } from './migrations/index';
export { TransactionConflictError, mapDatabaseError } from './map-database-error';
