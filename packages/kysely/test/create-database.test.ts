/**
 * createDatabase over what an app already has: its own Kysely instance (PGlite and PostgreSQL)
 * and its own `pg.Pool` (PostgreSQL), and the error when an optional peer is not installed.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { NewUserRecord } from '@userkit/core';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from '../src/pglite-dialect';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDatabase, migrations, type Database, type UserkitDatabase } from '../src/index';
import { importOptionalPeer } from '../src/optional-peer';
import { scratchDatabases, testStoreEnabled } from '@userkit/kysely/testing';

const newUser = (email: string): NewUserRecord => ({
  email,
  password_hash: '$2b$12$secretsecretsecretsecretsecretsecretsecretsecretsecre',
  user_type: 'customer',
  status: 'active',
});

/** Migrates, writes a user and an activity, and reads them back with numeric ids and counts. */
async function exercise(database: UserkitDatabase): Promise<void> {
  expect(await database.migrate()).toEqual(Object.keys(migrations).sort());
  await expect(database.checkMigrations()).resolves.toBeUndefined();
  const user = await database.repository.insert(newUser('app@example.com'));
  expect((await database.repository.findByEmail('app@example.com'))?.id).toBe(user.id);
  await database.repository.appendActivities([{ user_id: user.id, actor_id: null, action: 'noted', changes: {}, created_at: new Date() }]);
  const [activity] = (await database.repository.listActivity(user.id, { limit: 5 })).items;
  expect(typeof activity?.id).toBe('number');
  expect((await database.repository.countUsers(new Date(0))).total).toBe(1);
}

describe.skipIf(!testStoreEnabled('pglite'))('createDatabase({ kysely }) on PGlite', () => {
  it('uses the app’s Kysely instance and leaves it open on close()', async () => {
    const instance = await PGlite.create({ extensions: { pg_trgm } });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(instance) });
    try {
      const database = await createDatabase({ kysely: db, kind: 'pglite' });
      expect(database.db).toBe(db);
      expect(database.kind).toBe('pglite');
      await exercise(database);
      await database.close();
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
      expect(rows[0]?.n).toBe(1);
      expect(instance.closed).toBe(false);
    } finally {
      await db.destroy();
    }
  });
});

const url = process.env.DATABASE_URL;
describe.runIf(url && testStoreEnabled('postgres'))('createDatabase over the app’s PostgreSQL objects', () => {
  const scratch = scratchDatabases(url ?? '');
  /** A new, empty database on the test server; dropped after the file. */
  const freshDatabaseUrl = async () => (await scratch.create()).url;

  it('createDatabase({ pgPool }): int8 as numbers whatever the pool parses, pool left open on close()', async () => {
    // A plain pool: int8 comes back as a string for the app's own queries.
    const pool = new pg.Pool({ connectionString: await freshDatabaseUrl() });
    try {
      const database = await createDatabase({ pgPool: pool });
      expect(database.kind).toBe('postgres');
      await exercise(database);
      const { rows } = await sql<{ n: unknown }>`select count(*) as n from users`.execute(database.db);
      expect(rows[0]?.n).toBe(1);
      await database.close();
      expect(pool.ended).toBe(false);
      expect((await pool.query<{ n: unknown }>('select count(*) as n from users')).rows[0]?.n).toBe('1');
    } finally {
      await pool.end();
    }
  });

  it('createDatabase({ kysely }): the app’s Kysely over PostgreSQL, left open on close()', async () => {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: await freshDatabaseUrl() }) }) });
    try {
      const database = await createDatabase({ kysely: db });
      expect(database.kind).toBe('postgres');
      await exercise(database);
      await database.close();
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from users`.execute(db);
      expect(rows[0]?.n).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});

describe('optional peer dependencies', () => {
  it('names the missing package and the install command', async () => {
    // A variable, so the bundler does not try to resolve the specifier ahead of time.
    const missing = 'userkit-no-such-package';
    const error = await importOptionalPeer(() => import(missing), 'createDatabase({ url })', [missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `userkit: createDatabase({ url }) needs ${missing}, optional peer dependencies of @userkit/kysely that are not installed: npm install ${missing}`,
    );
  });

  it('passes other errors through', async () => {
    const failure = new Error('boom');
    await expect(importOptionalPeer(() => Promise.reject(failure), 'x', ['pg'])).rejects.toBe(failure);
  });

  it('loads what is installed', async () => {
    const module = await importOptionalPeer(() => import('pg'), 'createDatabase({ url })', ['pg']);
    expect(typeof module.default.Pool).toBe('function');
  });
});
