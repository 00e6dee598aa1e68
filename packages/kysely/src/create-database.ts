/**
 * Opens the userkit database: PostgreSQL through `pg`, or embedded PostgreSQL through PGlite.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, type Dialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database';
import { KyselyUserRepository } from './kysely-user-repository';
import { mapDatabaseError } from './map-database-error';
import { hotStatementName } from './prepared-statements';
import { migrateToLatest, pendingMigrations } from './migrator';
import { lockPgliteDirectory } from './pglite-lock';

/** Where the data lives. */
export type CreateDatabaseOptions =
  | {
      /** A PostgreSQL connection URL, e.g. `process.env.DATABASE_URL`. */
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
       * Embedded PostgreSQL: stored in `dataDir` (created when missing), in memory without one,
       * or an existing instance, which `close()` then closes. Instances made here load `pg_trgm`.
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
  /** Closes the pool or the PGlite instance. */
  close(): Promise<void>;
  /** PostgreSQL only: the pool's connections (open, idle) and the queries waiting for one, for metrics. */
  poolStats?: () => { total: number; idle: number; waiting: number };
}

/** `pg` parses int8 (ids of the log tables, `count(*)`) as numbers on this pool only. */
const types: pg.CustomTypesConfig = {
  getTypeParser: (id, format) => (id === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(id, format)),
};

interface Connection {
  dialect: Dialect;
  kind: UserkitDatabase['kind'];
  /** Ends the pool or instance also when Kysely never used (so never destroys) it. */
  release(): Promise<void>;
  poolStats?: UserkitDatabase['poolStats'];
}

/**
 * The pg pool as Kysely sees it, running the hot statements ({@link hotStatementName}) as named
 * prepared statements; every other statement, and cursors, pass through unchanged.
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((sql: unknown, parameters?: readonly unknown[]): unknown => {
      if (typeof sql !== 'string') return client.query(sql as never);
      const name = hotStatementName(sql);
      return name ? client.query({ name, text: sql, values: parameters as unknown[] }) : client.query(sql, parameters as unknown[]);
    }) as PostgresPoolClient['query'],
    release: (destroy?: boolean) => client.release(destroy),
  });
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) wrappers.set(client, (wrapper = wrap(client)));
      return wrapper;
    },
    end: () => pool.end(),
  };
}

async function connect(options: CreateDatabaseOptions): Promise<Connection> {
  if ('url' in options) {
    const pool = new pg.Pool({ connectionTimeoutMillis: 10_000, ...options.pool, connectionString: options.url, types });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on('error', () => {});
    // A client's connection can also die while it is lent out (mid-query or mid-transaction),
    // when neither the pool nor Kysely listens: without this, pg's 'error' event would be
    // unhandled and end the process. The failing query still rejects (→ SERVICE_UNAVAILABLE).
    pool.on('connect', (client) => client.on('error', () => {}));
    return {
      dialect: new PostgresDialect({ pool: options.preparedStatements === false ? pool : preparingPool(pool) }),
      kind: 'postgres',
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      release: async () => {
        if (!pool.ended) await pool.end();
      },
    };
  }
  // One process per data directory (see pglite-lock.ts): a second opener fails here, at once.
  const lock = 'dataDir' in options.pglite && options.pglite.dataDir ? lockPgliteDirectory(options.pglite.dataDir) : undefined;
  const instance = 'instance' in options.pglite ? options.pglite.instance : await PGlite.create({ dataDir: options.pglite.dataDir, extensions: { pg_trgm } }).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  return {
    dialect: new PGliteDialect(instance),
    kind: 'pglite',
    release: async () => {
      try {
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
 * await database.migrate();
 * const service = new UserService({ repository: database.repository, mailer });
 * // on shutdown:
 * await database.close();
 * ```
 */
export async function createDatabase(options: CreateDatabaseOptions): Promise<UserkitDatabase> {
  const { dialect, kind, release, poolStats } = await connect(options);
  const db = new Kysely<Database>({ dialect });
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
      await db.destroy();
      await release();
    },
    ...(poolStats ? { poolStats } : {}),
  };
}
