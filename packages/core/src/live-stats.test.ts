/**
 * Live statistics: the stream route over the handler, the publish window that turns a burst of
 * changes into one batch, and the per-instance coalescing of recomputations.
 */
import { describe, expect, it } from 'vitest';
import { MemoryChangeFeed, type ChangeBatch, type ChangeFeed } from './change-feed';
import { JwtTokens } from './jwt-tokens';
import { LiveStats, publishChanges } from './live-stats';
import { MemoryMailer } from './mailer';
import { MemoryUserRepository } from './memory-user-repository';
import type { PasswordHasher } from './password-hasher';
import { createUserkitHandler } from './request-handler';
import { createOpenApiDocument } from './openapi-document';
import { UserEvents } from './user-events';
import { UserService } from './user-service';
import type { UserStats } from './ledger-schema';

const hasher: PasswordHasher = { hash: async (p) => `plain$${p}`, verify: async (p, h) => h === `plain$${p}`, needsRehash: () => false };

/** Reads SSE events off a body: `next(name)` resolves with the data of the next event of that name. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const seen: string[] = [];
  async function next(name: string): Promise<unknown> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        seen.push(block);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === name && data !== undefined) return JSON.parse(data);
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before a ${name} event`);
      buffer += decoder.decode(value, { stream: true });
    }
  }
  return { next, seen, reader };
}

describe('GET /users/stats/stream', () => {
  it('sends the statistics at once, then the change and fresh statistics; admins only; ends on abort', async () => {
    const repository = new MemoryUserRepository();
    const service = new UserService({ repository, mailer: new MemoryMailer(), hasher });
    const tokens = new JwtTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256-0123' });
    const handler = createUserkitHandler({ service, tokens, onError: () => {} });
    const now = new Date();
    const admin = await repository.insert({ email: 'boss@example.com', password_hash: 'plain$x', user_type: 'admin', is_super_admin: true, status: 'active', email_verified: true, created_at: now, updated_at: now });
    const customer = await repository.insert({ email: 'c@example.com', password_hash: 'plain$x', user_type: 'customer', status: 'active', email_verified: true, created_at: now, updated_at: now });
    const bearer = (id: { id: number; token_version: number }) => tokens.issue(id).then((t) => ({ authorization: `Bearer ${t.access_token}` }));

    const refused = await handler.fetch(new Request('http://localhost/api/users/stats/stream', { headers: await bearer(customer) }));
    expect(refused.status).toBe(403);

    const abort = new AbortController();
    const response = await handler.fetch(new Request('http://localhost/api/users/stats/stream', { headers: await bearer(admin), signal: abort.signal }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const events = sseReader(response.body as ReadableStream<Uint8Array>);
    const first = (await events.next('stats')) as UserStats;
    expect(first.total).toBe(2);

    const created = await service.create(admin, { email: 'new@example.com', password: 'a-long-enough-password-1' } as never);
    const activity = (await events.next('activity')) as { event: string; user_id: number };
    expect(activity).toMatchObject({ event: 'user.created', user_id: created.id });
    const fresh = (await events.next('stats')) as UserStats;
    expect(fresh.total).toBe(3);

    abort.abort();
    await expect(events.reader.read()).resolves.toMatchObject({ done: true });
  });
});

describe('the OpenAPI document', () => {
  it('declares the stream as text/event-stream', () => {
    const document = createOpenApiDocument({ serverUrl: '/api' }) as { paths: Record<string, { get: { responses: Record<string, Record<string, unknown>> } }> };
    const ok = document.paths['/users/stats/stream']?.get.responses['200'];
    expect(Object.keys(ok?.['content'] as object)).toEqual(['text/event-stream']);
  });
});

describe('publishChanges', () => {
  it('publishes a burst of changes as one batch that lists a few and counts the rest', async () => {
    const events = new UserEvents();
    const published: ChangeBatch[] = [];
    let resolve: () => void = () => {};
    const done = new Promise<void>((r) => (resolve = r));
    const feed: ChangeFeed = { publish: async (batch) => void (published.push(batch), resolve()), subscribe: () => () => {} };
    const stop = publishChanges(events, feed, { windowMs: 20 });
    for (let id = 1; id <= 1000; id++) events.emit('user.deleted', { userId: id, actorId: 1 });
    events.emit('user.signed_in', { user: { id: 1 } as never }); // sign-ins change no statistics
    await done;
    stop();
    expect(published).toHaveLength(1);
    expect(published[0]?.changes).toHaveLength(20);
    expect(published[0]?.omitted).toBe(980);
    expect(published[0]?.changes[0]).toMatchObject({ event: 'user.deleted', user_id: 1, actor_id: 1 });
  });
});

describe('LiveStats', () => {
  it('sends a heartbeat comment while a stream is open', async () => {
    const live = new LiveStats({ feed: new MemoryChangeFeed(), heartbeatMs: 5, stats: async () => ({ total: 0 }) as unknown as UserStats });
    const stream = live.stream({ id: 1, user_type: 'admin' } as never);
    let chunk: IteratorResult<string>;
    do chunk = await stream.next();
    while (!chunk.done && chunk.value !== ': ping\n\n');
    expect(chunk.done).toBe(false);
    await stream.return?.();
  });

  it('recomputes once for many batches, serves every stream of the instance with it, and leaves the feed with the last stream', async () => {
    const feed = new MemoryChangeFeed();
    let computed = 0;
    const live = new LiveStats({ feed, intervalMs: 50, stats: async () => ({ total: ++computed }) as unknown as UserStats });
    const actor = { id: 1, user_type: 'admin', role: 'admin' } as never;
    const a = live.stream(actor);
    const b = live.stream(actor);
    const read = async (stream: AsyncIterator<string>, predicate: (chunk: string) => boolean) => {
      for (;;) {
        const { value, done } = await stream.next();
        if (done) throw new Error('ended');
        if (predicate(value)) return value;
      }
    };
    await read(a, (c) => c.startsWith('event: stats'));
    await read(b, (c) => c.startsWith('event: stats'));
    const before = computed;
    for (let i = 0; i < 100; i++) await feed.publish({ changes: [], omitted: 1 });
    const fromA = await read(a, (c) => c.startsWith('event: stats'));
    const fromB = await read(b, (c) => c.startsWith('event: stats'));
    expect(fromA).toBe(fromB);
    expect(computed - before).toBe(1);
    expect(live.subscribers).toBe(2);
    await a.return?.();
    await b.return?.();
    expect(live.subscribers).toBe(0);
    await expect(a.next()).resolves.toMatchObject({ done: true });
  });
});
