/**
 * The change feed over PostgreSQL LISTEN/NOTIFY: two feeds on one database stand for two
 * instances. Runs against the server of DATABASE_URL when USERKIT_TEST_STORES=postgres.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeBatch } from '@userkit/core/server';
import { PgChangeFeed } from '../src/index';

const url = process.env['USERKIT_TEST_STORES']?.includes('postgres') ? process.env['DATABASE_URL'] : undefined;
if (!url) console.warn('PgChangeFeed tests skipped: set USERKIT_TEST_STORES=postgres and DATABASE_URL');

describe.skipIf(!url)('PgChangeFeed', () => {
  it('delivers a batch published by one instance to the listeners of both, and closes', async () => {
    const channel = `userkit_test_${process.pid}`;
    const a = await PgChangeFeed.connect({ url: url as string, channel });
    const b = await PgChangeFeed.connect({ url: url as string, channel });
    const heard = (feed: PgChangeFeed) => new Promise<ChangeBatch>((resolve) => feed.subscribe(resolve));
    const [onA, onB] = [heard(a), heard(b)];
    const batch: ChangeBatch = { changes: [{ event: 'credits.changed', user_id: 3, actor_id: null, at: new Date(0).toISOString() }], omitted: 0 };
    await a.publish(batch);
    expect(await onB).toEqual(batch);
    expect(await onA).toEqual(batch);
    await a.close();
    await b.close();
    await expect(a.publish(batch)).rejects.toThrow(/reconnecting/);
  });

  it('refuses a channel that is not a plain identifier', async () => {
    await expect(PgChangeFeed.connect({ url: url as string, channel: 'x; DROP TABLE users' })).rejects.toThrow(/identifier/);
  });
});
