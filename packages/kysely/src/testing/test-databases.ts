/**
 * Test databases: PGlite always, PostgreSQL too when `DATABASE_URL` is set.
 *
 * Each test file gets one migrated database per target, made on first use and released after the
 * file (PostgreSQL: a uniquely named database, dropped WITH (FORCE)). `open()` empties its tables
 * (a few ms; ids keep counting up), so every test starts from a fresh, migrated, empty store.
 * A PGlite per test would cost a full load each even when cloned (`PGlite#clone()` = dump + load) and
 * hundreds of MB while it lives: the conformance suite ran several times slower that way.
 *
 * `openEmpty()` gives a brand-new database without any table (migration tests), released with the
 * file. For PGlite it is loaded from an empty data directory made once per file (an initdb costs
 * far more than a load).
 */
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { afterAll } from 'vitest';
import { createDatabase, type UserkitDatabase } from '../create-database';
import type { Database } from '../database';
import type { KyselyUserRepository } from '../kysely-user-repository';
import { importOptionalPeer } from '../optional-peer';
import { PGliteDialect } from '../pglite-dialect';

/** A migrated database with empty tables, for one test. */
export interface TestDatabase {
  repository: KyselyUserRepository;
  db: Kysely<Database>;
  /** Ends the test's use; the shared database stays open for the next test of the file. */
  close(): Promise<void>;
}

/** Where test databases come from: PGlite, or a PostgreSQL server. */
export interface DatabaseTarget {
  name: 'pglite' | 'postgres';
  /** A migrated database with empty tables. */
  open(): Promise<TestDatabase>;
  /** A brand-new database without any table. */
  openEmpty(): Promise<UserkitDatabase>;
}

let emptyPglite: Promise<Blob> | undefined;

/** A new PGlite instance, loaded from a fresh data directory that is initialised once per test file. */
async function newPgliteInstance(): Promise<PGlite> {
  const [{ PGlite }, { pg_trgm }] = await importOptionalPeer(
    () => Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]),
    'databaseTargets() on PGlite',
    ['@electric-sql/pglite'],
  );
  emptyPglite ??= PGlite.create({ extensions: { pg_trgm } }).then(async (template) => {
    try {
      return await template.dumpDataDir('none');
    } finally {
      await template.close();
    }
  });
  return PGlite.create({ loadDataDir: await emptyPglite, extensions: { pg_trgm } });
}

/** A new PGlite database as `createDatabase({ pglite })` opens it (with `pg` installed: the node-postgres bridge). */
async function newPglite(): Promise<UserkitDatabase> {
  return createDatabase({ pglite: { instance: await newPgliteInstance() } });
}

/**
 * PGlite through {@link PGliteDialect}: the path `createDatabase({ pglite })` takes where `pg` is
 * not installed. For this package's own tests (not exported from `@userkit/kysely/testing`).
 */
export function pgliteDialectTarget(): DatabaseTarget {
  return target('pglite', async () => {
    const instance = await newPgliteInstance();
    const database = await createDatabase({ kysely: new Kysely<Database>({ dialect: new PGliteDialect(instance) }), kind: 'pglite' });
    return {
      ...database,
      async close() {
        await database.db.destroy();
        await instance.close();
      },
    };
  });
}

/** Runs one statement over a short-lived connection to `url`. */
async function onServer(url: string, statement: string): Promise<void> {
  const { default: pg } = await importOptionalPeer(() => import('pg'), 'scratchDatabases()', ['pg']);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new, empty database on a PostgreSQL server: its name, and the URL that reaches it. */
export interface ScratchDatabase {
  name: string;
  url: string;
}

/**
 * New, empty databases on the PostgreSQL server at `serverUrl` (a URL whose user may
 * `CREATE DATABASE`), each with a unique name starting with `prefix`; every one made is dropped
 * (WITH (FORCE), so open connections do not hold it) after the test file, or the `describe` this
 * is called in. Call it where hooks may be registered: at the top level of a file or a `describe`.
 *
 * @example
 * ```ts
 * const scratch = scratchDatabases(process.env.DATABASE_URL!);
 * it('migrates an empty database', async () => {
 *   const database = await createDatabase({ url: (await scratch.create()).url });
 *   await database.migrate();
 *   await database.close();
 * });
 * ```
 */
export function scratchDatabases(serverUrl: string, prefix = 'userkit_test'): { create(): Promise<ScratchDatabase> } {
  const stem = `${prefix}_${randomBytes(6).toString('hex')}`;
  const made: string[] = [];
  afterAll(async () => {
    for (const name of made) await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return {
    async create() {
      const name = `${stem}_${made.length}`;
      made.push(name);
      await onServer(serverUrl, `CREATE DATABASE ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return { name, url: url.toString() };
    },
  };
}

/** A target whose databases come from `create`, all closed after the file. */
function target(name: DatabaseTarget['name'], create: () => Promise<UserkitDatabase>): DatabaseTarget {
  const opened: UserkitDatabase[] = [];
  let shared: Promise<UserkitDatabase> | undefined;
  const openEmpty = async () => {
    const database = await create();
    opened.push(database);
    return database;
  };

  afterAll(async () => {
    await Promise.allSettled(opened.map((database) => database.close()));
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
  const scratch = scratchDatabases(url);
  return target('postgres', async () => createDatabase({ url: (await scratch.create()).url }));
}

/**
 * The databases to run database tests against: PGlite, plus PostgreSQL when `DATABASE_URL` is
 * set (`USERKIT_TEST_STORES` narrows them, see {@link testStoreEnabled}). Call it once, at the top
 * level of a test file or a `describe`: it registers the `afterAll` that releases them.
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
 * Whether tests run against a store: all by default (`postgres` only with `DATABASE_URL`);
 * `USERKIT_TEST_STORES=postgres` (a comma list of memory, pglite, postgres) narrows it, so a CI
 * pass on PostgreSQL alone does not repeat the PGlite and memory runs.
 */
export function testStoreEnabled(store: 'memory' | 'pglite' | 'postgres'): boolean {
  const only = process.env.USERKIT_TEST_STORES;
  return !only || only.split(',').map((s) => s.trim()).includes(store);
}
