/**
 * The pg pool as Kysely sees it in a database made by `createDatabase`: int8 parsed as numbers and
 * the hot statements ({@link hotStatementName}) run as named prepared statements.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { hotStatementName } from './prepared-statements';

export interface UserkitPoolOptions {
  /** Run the hot statements as named prepared statements. */
  prepared: boolean;
  /**
   * Type parsers for every query, when the pool's own cannot be trusted (an app's pool, whose
   * int8 comes back as strings by default). A pool made by `createDatabase` sets them itself.
   */
  types?: pg.CustomTypesConfig | undefined;
  /** `end()` ends the pool (default). False for an app's pool, which the app ends. */
  owned?: boolean;
}

/** Every statement but cursors goes through here; a cursor (a Submittable) passes unchanged. */
export function userkitPool(pool: pg.Pool, options: UserkitPoolOptions): PostgresPool {
  const { prepared, types, owned = true } = options;
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => ({
    query: ((text: unknown, parameters?: readonly unknown[]): unknown => {
      if (typeof text !== 'string') return client.query(text as never);
      const name = prepared ? hotStatementName(text) : undefined;
      const values = parameters as unknown[] | undefined;
      if (!name && !types) return client.query(text, values);
      return client.query({ text, values, ...(name ? { name } : {}), ...(types ? { types } : {}) });
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
    end: async () => {
      if (owned && !pool.ended) await pool.end();
    },
  };
}
