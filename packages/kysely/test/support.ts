/**
 * Test databases: PGlite always, PostgreSQL too when `DATABASE_URL` is set.
 *
 * Each test file gets one migrated database per target, made on first use and released after the
 * file (PostgreSQL: a uniquely named database, dropped WITH FORCE). `open()` empties its tables
 * (a few ms; ids keep counting up), so every test starts from a fresh, migrated, empty store.
 * A PGlite per test would cost a full load each even when cloned (`PGlite#clone()` = dump + load) and
 * hundreds of MB while it lives: the conformance suite ran several times slower that way.
 *
 * `openEmpty()` gives a brand-new database without any table (migration tests), released with the
 * file. For PGlite it is loaded from an empty data directory made once per file (an initdb costs
 * far more than a load).
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createDatabase, type Database, type KyselyUserRepository, type UserkitDatabase } from '../src/index';

export interface TestDatabase {
  repository: KyselyUserRepository;
  db: Kysely<Database>;
  /** Ends the test's use; the shared database stays open for the next test of the file. */
  close(): Promise<void>;
}

export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** A migrated database with empty tables. */
  open(): Promise<TestDatabase>;
  /** A brand-new database without any table. */
  openEmpty(): Promise<UserkitDatabase>;
}

let emptyPglite: Promise<Blob> | undefined;

/** A new PGlite, loaded from a fresh data directory that is initialised once per test file. */
async function newPglite(): Promise<UserkitDatabase> {
  emptyPglite ??= PGlite.create({ extensions: { pg_trgm } }).then(async (template) => {
    try {
      return await template.dumpDataDir('none');
    } finally {
      await template.close();
    }
  });
  const instance = await PGlite.create({ loadDataDir: await emptyPglite, extensions: { pg_trgm } });
  return createDatabase({ pglite: { instance } });
}

/** Runs one statement over a short-lived connection to `url`. */
export async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A target whose databases come from `create`; `drop` runs after the file. */
function target(name: DatabaseTarget['name'], create: () => Promise<UserkitDatabase>, drop: () => Promise<void> = async () => {}): DatabaseTarget {
  const opened: UserkitDatabase[] = [];
  let shared: Promise<UserkitDatabase> | undefined;
  const openEmpty = async () => {
    const database = await create();
    opened.push(database);
    return database;
  };

  afterAll(async () => {
    await Promise.allSettled(opened.map((database) => database.close()));
    await drop();
  });

  return {
    name,
    async open() {
      shared ??= openEmpty().then(async (database) => {
        await database.migrate();
        return database;
      });
      const { db, repository } = await shared;
      // DELETE beats TRUNCATE on a handful of rows (TRUNCATE makes new files for every index).
      for (const table of ['user_sessions', 'credit_transactions', 'user_activity', 'users'] as const) await db.deleteFrom(table).execute();
      return { db, repository, close: async () => {} };
    },
    openEmpty,
  };
}

function postgresTarget(url: string): DatabaseTarget {
  const prefix = `userkit_test_${randomBytes(6).toString('hex')}`;
  const names: string[] = [];
  return target(
    'postgres',
    async () => {
      const name = `${prefix}_${names.length}`;
      names.push(name);
      await onServer(url, `CREATE DATABASE ${name}`);
      const databaseUrl = new URL(url);
      databaseUrl.pathname = `/${name}`;
      return createDatabase({ url: databaseUrl.toString() });
    },
    async () => {
      for (const name of names) await onServer(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  );
}

/**
 * The databases to run database tests against: PGlite, plus PostgreSQL when `DATABASE_URL` is
 * set. Call once, at the top level of a test file (it registers an `afterAll` for cleanup).
 *
 * @example
 * ```ts
 * for (const target of databaseTargets()) describeUserRepository(target.name, () => target.open());
 * ```
 */
export function databaseTargets(): DatabaseTarget[] {
  const url = process.env.DATABASE_URL;
  const targets: DatabaseTarget[] = [];
  if (testStoreEnabled('pglite')) targets.push(target('pglite', newPglite));
  if (url && testStoreEnabled('postgres')) targets.push(postgresTarget(url));
  return targets;
}

/**
 * Whether tests run against a store: all by default (`postgres` only with DATABASE_URL);
 * `USERKIT_TEST_STORES=postgres` (a comma list of memory, pglite, postgres) narrows it, so CI's
 * second, PostgreSQL-only pass does not repeat the PGlite and memory runs.
 */
export function testStoreEnabled(store: 'memory' | 'pglite' | 'postgres'): boolean {
  const only = process.env.USERKIT_TEST_STORES;
  return !only || only.split(',').map((s) => s.trim()).includes(store);
}
