/**
 * Opens the userkit database: PostgreSQL through `pg` (a URL or the app's pool), embedded
 * PostgreSQL through PGlite, or the app's own Kysely instance. `pg` and PGlite are optional peer
 * dependencies, loaded here only by the option that needs them.
 */
import type { PGlite } from '@electric-sql/pglite';
import type * as PgliteBridge from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import type pg from 'pg';
import type { Database } from './database';
import { KyselyUserRepository } from './kysely-user-repository';
import { mapDatabaseError } from './map-database-error';
import { migrateToLatest, pendingMigrations } from './migrator';
import { lockPgliteDirectory } from './pglite-lock';
import { importOptionalPeer, isModuleNotFound } from './optional-peer';
import { PGliteDialect } from './pglite-dialect';
import { userkitPool } from './userkit-pool';

/** Where the data lives: one of a URL, a `pg` pool, a Kysely instance, or PGlite. */
export type CreateDatabaseOptions =
  | {
      /** A PostgreSQL connection URL, e.g. `process.env.DATABASE_URL`. Needs `pg` installed. */
      url: string;
      /** Extra `pg.Pool` settings (pool size, TLS, timeouts). */
      pool?: Omit<pg.PoolConfig, 'connectionString' | 'types'>;
      /**
       * Run the per-request lookups as named prepared statements (default true). Turn it off
       * behind a pooler that cannot keep them, such as PgBouncer in transaction mode before 1.21.
       */
      preparedStatements?: boolean;
    }
  | {
      /**
       * The app's own `pg.Pool`, shared with its other queries. userkit's queries parse int8 as
       * numbers whatever the pool's settings; `close()` leaves the pool open (the app ends it).
       */
      pgPool: pg.Pool;
      /** As for `url`: the per-request lookups as named prepared statements (default true). */
      preparedStatements?: boolean;
    }
  | {
      /**
       * The app's own Kysely instance (any PostgreSQL dialect), used as it is: no prepared
       * statements, and `close()` leaves it open (the app destroys it).
       */
      kysely: Kysely<Database>;
      /** Which database the instance talks to, reported as `kind` (default `'postgres'`). */
      kind?: UserkitDatabase['kind'];
    }
  | {
      /**
       * Embedded PostgreSQL: stored in `dataDir` (created when missing), in memory without one,
       * or an existing instance, which `close()` then closes. Instances made here load `pg_trgm`.
       * Needs `@electric-sql/pglite` installed (for `dataDir`; an instance brings its own). With
       * `pg` installed too, it runs through PGlite's node-postgres bridge, with the per-request
       * lookups as prepared statements (about half the CPU per request); else {@link PGliteDialect}.
       */
      pglite: { dataDir?: string } | { instance: PGlite };
    };

/** An open userkit database. */
export interface UserkitDatabase {
  /** The Kysely instance, for queries of your own. */
  db: Kysely<Database>;
  /** The {@link UserRepository} over `db`. */
  repository: KyselyUserRepository;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations (see {@link migrateToLatest}); resolves to the names applied. */
  migrate(): Promise<string[]>;
  /**
   * Resolves when every migration is applied; otherwise throws an Error naming the pending ones
   * (SERVICE_UNAVAILABLE when the database does not answer). Made for readiness checks.
   */
  checkMigrations(): Promise<void>;
  /** Closes what `createDatabase` opened: its pool, its PGlite instance, or a given instance. */
  close(): Promise<void>;
  /** PostgreSQL only: the pool's connections (open, idle) and the queries waiting for one, for metrics. */
  poolStats?: () => { total: number; idle: number; waiting: number };
}

interface Connection {
  db: Kysely<Database>;
  kind: UserkitDatabase['kind'];
  /** Ends the pool or instance also when Kysely never used (so never destroys) it. */
  release(): Promise<void>;
  poolStats?: UserkitDatabase['poolStats'];
}

const loadPg = (feature: string) => importOptionalPeer(() => import('pg'), feature, ['pg']).then((module) => module.default);

/** `pg` parses int8 (ids of the log tables, `count(*)`) as numbers for userkit's queries only. */
function int8AsNumber(pgModule: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser: ((id: number, format?: 'text' | 'binary') =>
      id === pgModule.types.builtins.INT8 ? Number : pgModule.types.getTypeParser(id, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

const kyselyOver = (dialect: Dialect) => new Kysely<Database>({ dialect });

/**
 * `pool`, with its clients' errors kept from ending the process: an idle client losing its server,
 * and one whose connection dies while it is lent out (mid-query or mid-transaction, when neither
 * the pool nor Kysely listens). The failing query still rejects (→ SERVICE_UNAVAILABLE).
 */
function quietPool(pool: pg.Pool): pg.Pool {
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * The dialect over a PGlite instance. With `pg` installed, PGlite's own node-postgres bridge: one
 * pg client (PGlite is one connection) through which the per-request lookups run as named prepared
 * statements, planned once instead of on every call, as on PostgreSQL (on PGlite, where planning
 * runs in WebAssembly and sizes every index through the file system, that is 3-4x less CPU per
 * lookup: docs/benchmarks.md). Without `pg`, {@link PGliteDialect}: the same answers, every
 * statement parsed and planned each time.
 */
async function pgliteDialect(instance: PGlite): Promise<{ dialect: Dialect; end(): Promise<void> }> {
  let modules: [typeof pg, typeof PgliteBridge];
  try {
    modules = await Promise.all([import('pg').then((module) => module.default), import('@electric-sql/pglite/node-postgres')]);
  } catch (error) {
    if (isModuleNotFound(error)) return { dialect: new PGliteDialect(instance), end: async () => {} };
    throw error;
  }
  const [pgModule, bridge] = modules;
  // The bridge's config carries its one connection; the pool keeps the one client open for good.
  const config = Object.assign(bridge.createPgConfig(instance), { max: 1, idleTimeoutMillis: 0, types: int8AsNumber(pgModule) });
  const pool = quietPool(new pgModule.Pool(config));
  return {
    dialect: new PostgresDialect({ pool: userkitPool(pool, { prepared: true }) }),
    // Ended before the instance closes, so a later query says "pool ended", not a bridge failure.
    end: async () => {
      if (!pool.ended) await pool.end();
    },
  };
}

async function connect(options: CreateDatabaseOptions): Promise<Connection> {
  if ('kysely' in options) {
    return { db: options.kysely, kind: options.kind ?? 'postgres', release: async () => {} };
  }
  if ('pgPool' in options) {
    const pgModule = await loadPg('createDatabase({ pgPool })');
    const pool = userkitPool(options.pgPool, { prepared: options.preparedStatements !== false, types: int8AsNumber(pgModule), owned: false });
    const appPool = options.pgPool;
    return {
      db: kyselyOver(new PostgresDialect({ pool })),
      kind: 'postgres',
      poolStats: () => ({ total: appPool.totalCount, idle: appPool.idleCount, waiting: appPool.waitingCount }),
      release: async () => {},
    };
  }
  if ('url' in options) {
    const pgModule = await loadPg('createDatabase({ url })');
    const pool = quietPool(new pgModule.Pool({ connectionTimeoutMillis: 10_000, ...options.pool, connectionString: options.url, types: int8AsNumber(pgModule) }));
    return {
      db: kyselyOver(new PostgresDialect({ pool: userkitPool(pool, { prepared: options.preparedStatements !== false }) })),
      kind: 'postgres',
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      release: async () => {
        if (!pool.ended) await pool.end();
      },
    };
  }
  // One process per data directory (see pglite-lock.ts): a second opener fails here, at once.
  const lock = 'dataDir' in options.pglite && options.pglite.dataDir ? lockPgliteDirectory(options.pglite.dataDir) : undefined;
  let instance: PGlite;
  if ('instance' in options.pglite) {
    instance = options.pglite.instance;
  } else {
    try {
      const [{ PGlite }, { pg_trgm }] = await importOptionalPeer(
        () => Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]),
        'createDatabase({ pglite })',
        ['@electric-sql/pglite'],
      );
      instance = await PGlite.create({ dataDir: options.pglite.dataDir, extensions: { pg_trgm } });
    } catch (error) {
      lock?.release();
      throw error;
    }
  }
  const { dialect, end } = await pgliteDialect(instance);
  return {
    db: kyselyOver(dialect),
    kind: 'pglite',
    release: async () => {
      try {
        await end();
        if (!instance.closed) await instance.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Opens a database and the repository over it. Call `migrate()` before first use.
 *
 * @example
 * ```ts
 * const database = await createDatabase(
 *   process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { pglite: { dataDir: './.data/pglite' } },
 * );
 * // or over what the app already has: createDatabase({ pgPool: pool }), createDatabase({ kysely: db })
 * await database.migrate();
 * const service = new UserService({ repository: database.repository, mailer });
 * // on shutdown:
 * await database.close();
 * ```
 */
export async function createDatabase(options: CreateDatabaseOptions): Promise<UserkitDatabase> {
  const { db, kind, release, poolStats } = await connect(options);
  // An app's Kysely is the app's to destroy; everything else was opened here.
  const owned = !('kysely' in options);
  return {
    db,
    repository: new KyselyUserRepository(db),
    kind,
    migrate: () => migrateToLatest(db),
    async checkMigrations() {
      const pending = await pendingMigrations(db).catch((error: unknown) => {
        throw mapDatabaseError(error);
      });
      if (pending.length > 0) throw new Error(`userkit: migrations not applied: ${pending.join(', ')}`);
    },
    async close() {
      if (owned) await db.destroy();
      await release();
    },
    ...(poolStats ? { poolStats } : {}),
  };
}
