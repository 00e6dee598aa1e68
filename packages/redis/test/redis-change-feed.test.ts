/**
 * The change feed over Redis pub/sub, against a real Redis (skipped with a message when none answers,
 * as the store's suite is): two feeds on one channel stand for two instances.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeBatch } from '@userkit/core/server';
import { RedisChangeFeed } from '../src/index';
import { connectRedis, redisSkipReason } from './redis-test-server';

const skip = await redisSkipReason('@userkit/redis change feed tests');
const connect = connectRedis;

describe.skipIf(skip !== undefined)('RedisChangeFeed', () => {
  it('delivers a batch published by one instance to the listeners of both', async () => {
    const channel = `userkit-test:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
    const [a, b] = [await connect(), await connect()];
    if (!a || !b) throw new Error('Redis went away');
    const feedA = await RedisChangeFeed.connect({ client: a, channel });
    const feedB = await RedisChangeFeed.connect({ client: b, channel });
    const heard = (feed: RedisChangeFeed) => new Promise<ChangeBatch>((resolve) => feed.subscribe(resolve));
    const [onA, onB] = [heard(feedA), heard(feedB)];
    const batch: ChangeBatch = { changes: [{ event: 'user.created', user_id: 7, actor_id: 1, at: new Date(0).toISOString() }], omitted: 3 };
    await feedA.publish(batch);
    expect(await onB).toEqual(batch);
    expect(await onA).toEqual(batch);
    await feedA.close();
    await feedB.close();
    a.destroy();
    b.destroy();
  });
});
