/**
 * The two stores under test, each opened through the product's `createDatabase`:
 * PostgreSQL in a dedicated database `userkit_bench_admin_<random>` (dropped at the end) and
 * PGlite in a temporary data directory (deleted at the end). Each also offers raw SQL (for
 * seeding and EXPLAIN) and a repository whose queries are recorded (to EXPLAIN exactly the SQL
 * the product sends).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, type CompiledQuery, type Dialect } from 'kysely';
import pg from 'pg';
import { createDatabase, KyselyUserRepository, PGliteDialect, type Database, type UserkitDatabase } from '@userkit/kysely';

export type StoreKind = 'postgres' | 'pglite';

/** How the export child opens the same data. */
export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface BenchStore {
  kind: StoreKind;
  location: StoreLocation;
  database: UserkitDatabase;
  /** Runs one SQL statement outside Kysely; returns its rows. */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs one or more statements without parameters on one connection (SET … ; CREATE INDEX …). */
  exec(text: string): Promise<void>;
  /** A repository over the same data whose compiled queries land in `recorded`. */
  recordingRepository: KyselyUserRepository;
  recorded: CompiledQuery[];
  /** Closes every connection (the data stays). */
  close(): Promise<void>;
  /** Opens the data again after {@link close}. */
  reopen(): Promise<void>;
  /** Closes and deletes the data. */
  destroy(): Promise<void>;
}

export const defaultDatabaseUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A Kysely over `dialect` that appends every query it runs to `recorded` (for EXPLAIN). */
const recordingKysely = (dialect: Dialect, recorded: CompiledQuery[]) =>
  new Kysely<Database>({
    dialect,
    log: (event) => {
      if (event.level === 'query') recorded.push(event.query);
    },
  });

export async function openPostgres(serverUrl: string): Promise<BenchStore> {
  const name = `userkit_bench_admin_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const recorded: CompiledQuery[] = [];
  let database!: UserkitDatabase;
  let raw!: pg.Pool;
  let recordingDb!: Kysely<Database>;
  const open = async () => {
    database = await createDatabase({ url });
    raw = new pg.Pool({ connectionString: url, max: 2 });
    recordingDb = recordingKysely(new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }), recorded);
    store.database = database;
    store.recordingRepository = new KyselyUserRepository(recordingDb);
  };
  const close = async () => {
    await database.close();
    await raw.end();
    await recordingDb.destroy();
  };
  const store: BenchStore = {
    kind: 'postgres',
    location: { kind: 'postgres', url },
    database,
    recordingRepository: undefined as unknown as KyselyUserRepository,
    recorded,
    async query<R>(text: string, params: unknown[] = []) {
      return (await raw.query(text, params)).rows as R[];
    },
    async exec(text: string) {
      await raw.query(text);
    },
    close,
    reopen: open,
    async destroy() {
      await close().catch(() => {});
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
  await open();
  return store;
}

export async function openPglite(): Promise<BenchStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'userkit-bench-admin-pglite-'));
  const recorded: CompiledQuery[] = [];
  let instance!: PGlite;
  let database!: UserkitDatabase;
  const open = async () => {
    instance = await PGlite.create({ dataDir, extensions: { pg_trgm } });
    // The product's createDatabase over this instance (it closes the instance on close()).
    database = await createDatabase({ pglite: { instance } });
    const recordingDb = recordingKysely(new PGliteDialect(instance), recorded);
    store.database = database;
    store.recordingRepository = new KyselyUserRepository(recordingDb);
  };
  const close = async () => {
    await database.close();
  };
  const store: BenchStore = {
    kind: 'pglite',
    location: { kind: 'pglite', dataDir },
    database,
    recordingRepository: undefined as unknown as KyselyUserRepository,
    recorded,
    async query<R>(text: string, params: unknown[] = []) {
      return (await instance.query<R>(text, params)).rows;
    },
    async exec(text: string) {
      await instance.exec(text);
    },
    close,
    reopen: open,
    async destroy() {
      if (!instance.closed) await close().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await open();
  return store;
}
