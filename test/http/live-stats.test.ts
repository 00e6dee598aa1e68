/**
 * `GET /users/stats/stream` through both adapters: the event-stream headers, the first statistics,
 * a change streamed, and the stream's end when the client goes away (the instance then leaves the
 * feed) or the server shuts down (`streamsSignal`).
 */
import { MemoryChangeFeed, type ChangeFeed, type ChangeListener } from '@userkit/core/server';
import { afterEach, describe, expect, it } from 'vitest';
import { adapters, startHarness, storeTargets, type HttpHarness } from './harness';

/** A memory feed that counts the instance's subscriptions. */
class CountingFeed implements ChangeFeed {
  readonly #inner = new MemoryChangeFeed();
  active = 0;
  publish = this.#inner.publish.bind(this.#inner);
  subscribe(listener: ChangeListener): () => void {
    this.active++;
    const off = this.#inner.subscribe(listener);
    return () => {
      this.active--;
      off();
    };
  }
}

/** Waits for `condition`, polling, up to `ms` (a bound against hanging, not a timing assertion). */
async function eventually(condition: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

function sse(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    reader,
    async next(name: string): Promise<Record<string, unknown>> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(`event: ${name}\n`)) return JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as Record<string, unknown>;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

const store = storeTargets()[0];
let harness: HttpHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.each(adapters)('%s: live statistics', (adapter) => {
  it('streams the statistics and a change; leaves the feed when the client goes away', async () => {
    const feed = new CountingFeed();
    harness = await startHarness(adapter, store!, { changeFeed: feed });
    const admin = await harness.seed({ user_type: 'admin', is_super_admin: true });
    const abort = new AbortController();
    const response = await fetch(`${harness.baseUrl}/api/users/stats/stream`, { headers: { authorization: `Bearer ${admin.token}` }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const events = sse(response.body as ReadableStream<Uint8Array>);
    const before = await events.next('stats');
    expect(feed.active).toBe(1);
    const created = await harness.request<{ id: number }>('POST', '/api/users', { token: admin.token, body: { email: 'streamed@example.com', password: 'a long passphrase' } });
    expect(created.status).toBe(201);
    expect(await events.next('activity')).toMatchObject({ event: 'user.created', user_id: created.json.id });
    expect((await events.next('stats'))['total']).toBe((before['total'] as number) + 1);
    abort.abort();
    expect(await eventually(() => feed.active === 0)).toBe(true);
  });

  it('ends every stream when streamsSignal aborts (graceful shutdown)', async () => {
    const shutdown = new AbortController();
    harness = await startHarness(adapter, store!, { streamsSignal: shutdown.signal });
    const admin = await harness.seed({ user_type: 'admin', is_super_admin: true });
    const response = await fetch(`${harness.baseUrl}/api/users/stats/stream`, { headers: { authorization: `Bearer ${admin.token}` } });
    const events = sse(response.body as ReadableStream<Uint8Array>);
    await events.next('stats');
    shutdown.abort();
    await expect(events.next('stats')).rejects.toThrow(/ended/);
  });
});
