/**
 * The Redis the tests of this package use: 127.0.0.1:6379 (REDIS_URL to change it). Where nothing
 * answers, the suites are skipped with a visible message so `npm test` passes with no servers; CI
 * sets USERKIT_REQUIRE_REDIS=1 so a missing Redis fails there instead.
 */
import { createClient } from 'redis';

export const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const newClient = () => createClient({ url: redisUrl, disableOfflineQueue: true, socket: { connectTimeout: 1_000, reconnectStrategy: false } });
export type TestRedisClient = ReturnType<typeof newClient>;

/** A connected client, or undefined when nothing answers within a second (no retries). */
export async function connectRedis(): Promise<TestRedisClient | undefined> {
  const client = newClient();
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.destroy();
    return undefined;
  }
}

/** Why the suite named `what` is skipped here (undefined: Redis answers); throws when CI requires Redis. */
export async function redisSkipReason(what: string): Promise<string | undefined> {
  const probe = await connectRedis();
  probe?.destroy();
  if (probe) return undefined;
  const skip = `Redis is not answering at ${redisUrl}`;
  if (process.env['USERKIT_REQUIRE_REDIS'] === '1') throw new Error(`${skip}, and USERKIT_REQUIRE_REDIS=1`);
  console.warn(`${what} skipped: ${skip}`);
  return skip;
}
