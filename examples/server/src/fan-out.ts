/**
 * What several instances share besides the database (docs/deployment.md): Redis for rate limits,
 * and the change feed through which live statistics reach every instance.
 */
import { createClient } from 'redis';
import { MemoryChangeFeed, type ChangeFeed } from '@userkit/core/server';
import { PgChangeFeed } from '@userkit/kysely';
import { RedisChangeFeed } from '@userkit/redis';
import type { Config } from './config';
import { StartupError } from './startup-error';

/** The innermost cause of an error, as one line (pg reports a refused connection as an AggregateError). */
export function rootMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause !== undefined && !(current instanceof AggregateError)) current = current.cause;
  if (current instanceof AggregateError && current.errors.length > 0) return [...new Set(current.errors.map(rootMessage))].join('; ');
  if (!(current instanceof Error)) return String(current);
  return current.message || String((current as NodeJS.ErrnoException).code ?? current.name);
}

const newRedisClient = (url: string) =>
  createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(2_000, 100 * 2 ** retries) } });

/** The node-redis client of the example servers. */
export type RedisClient = ReturnType<typeof newRedisClient>;

/**
 * Connects to Redis (rate limits shared by every instance, and the change feed). Without the
 * offline queue a command during an outage fails at once instead of waiting for a reconnect: the
 * request answers 503 rather than hanging. A Redis that does not answer at start is a start-up
 * failure.
 */
export async function openRedis(url: string, warn: (line: string) => void): Promise<RedisClient> {
  const client = newRedisClient(url);
  let connected = false;
  let reported = false;
  let failStart: (error: unknown) => void = () => {};
  const startFailed = new Promise<never>((_, reject) => (failStart = reject));
  client.on('error', (error: unknown) => {
    // At start the first error is the answer (the start-up line says it); later ones are reported
    // once per outage while the client reconnects by itself.
    if (!connected) return failStart(error);
    if (!reported) warn(`userkit: Redis: ${rootMessage(error)}`);
    reported = true;
  });
  client.on('ready', () => (reported = false));
  const label = `Redis at ${new URL(url).host}`;
  const timer = setTimeout(() => failStart(new Error('no answer within 5 seconds')), 5_000);
  try {
    await Promise.race([client.connect(), startFailed]);
    await Promise.race([client.ping(), startFailed]);
    connected = true;
  } catch (error) {
    client.destroy();
    throw new StartupError(`cannot reach ${label} (USERKIT_REDIS_URL): ${rootMessage(error)}`);
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/**
 * How instances hear of each other's changes (live statistics): Redis pub/sub when Redis is
 * configured, else PostgreSQL LISTEN/NOTIFY, else (PGlite: one process) in memory.
 */
export async function openChangeFeed(config: Config, redis: RedisClient | undefined, warn: (line: string) => void): Promise<ChangeFeed> {
  const onError = (error: unknown) => warn(`userkit: change feed: ${rootMessage(error)}`);
  try {
    if (redis) return await RedisChangeFeed.connect({ client: redis, onError });
    if (config.databaseUrl) return await PgChangeFeed.connect({ url: config.databaseUrl, onError });
  } catch (error) {
    throw new StartupError(`cannot open the change feed (live statistics): ${rootMessage(error)}`);
  }
  return new MemoryChangeFeed();
}
