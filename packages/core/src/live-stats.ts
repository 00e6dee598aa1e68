/**
 * Live statistics (docs/operations.md, "Live statistics"): `GET /users/stats/stream` as
 * Server-Sent Events. Two halves meet at a {@link ChangeFeed}:
 *
 * - {@link publishChanges}: the service's lifecycle events (which fire after commit) are gathered
 *   for a short window and published as one batch, so a bulk import is a few notifications;
 * - {@link LiveStats}: each instance listens to the feed while it has subscribers, forwards the
 *   changes as `activity` events at once, and recomputes the statistics at most once per interval
 *   (one query for every subscriber of the instance, however many changes arrived).
 */
import { maxChangesPerBatch, type ChangeBatch, type ChangeFeed, type LiveChange } from './change-feed';
import type { UserEventMap, UserEventName, UserEvents } from './user-events';
import type { Actor } from './service/target-access';
import type { UserStats } from './ledger-schema';

/** The events that change what the statistics count or what the activity shows. Sign-ins do not. */
const liveEvents = ['user.created', 'user.updated', 'user.deleted', 'user.email_verified', 'user.password_changed', 'user.password_reset', 'credits.changed'] as const;

function changeOf(event: (typeof liveEvents)[number], payload: UserEventMap[(typeof liveEvents)[number]]): LiveChange {
  const p = payload as { user?: { id: number }; userId?: number; actorId?: number | null };
  return { event, user_id: p.user?.id ?? p.userId ?? null, actor_id: p.actorId ?? null, at: new Date().toISOString() };
}

export interface PublishChangesOptions {
  /** How long changes are gathered before one batch is published. Default 200 ms. */
  windowMs?: number;
  /** Receives a failed publish (the feed's connection is down); the write it reports stands. */
  onError?: (error: unknown) => void;
}

/**
 * Publishes the service's changes to `feed`, a batch per window. Returns the function that stops.
 *
 * @example
 * ```ts
 * const stop = publishChanges(service.events, feed);
 * ```
 */
export function publishChanges(events: UserEvents, feed: ChangeFeed, options: PublishChangesOptions = {}): () => void {
  const windowMs = options.windowMs ?? 200;
  let pending: LiveChange[] = [];
  let omitted = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const batch: ChangeBatch = { changes: pending, omitted };
    pending = [];
    omitted = 0;
    feed.publish(batch).catch((error: unknown) => options.onError?.(error));
  };
  const offs = liveEvents.map((event) =>
    events.on(event, (payload) => {
      if (pending.length < maxChangesPerBatch) pending.push(changeOf(event, payload));
      else omitted++;
      if (!timer) {
        timer = setTimeout(flush, windowMs);
        timer.unref?.();
      }
    }),
  );
  return () => {
    for (const off of offs) off();
    if (timer) clearTimeout(timer);
  };
}

/** One message of the stream: an SSE event with JSON data. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The heartbeat: an SSE comment, which clients ignore and proxies see as traffic. */
export const ssePing = ': ping\n\n';

/**
 * A stream's chunks: pushed by {@link LiveStats}, pulled by the adapter. Its `return` (the adapter
 * saw the client go away) ends it at once, even while a pull waits.
 */
class SseChannel implements AsyncIterableIterator<string> {
  readonly #queue: string[] = [];
  #waiting: ((result: IteratorResult<string>) => void) | undefined;
  #closed = false;
  readonly #onClose: () => void;

  constructor(onClose: () => void) {
    this.#onClose = onClose;
  }

  push(chunk: string): void {
    if (this.#closed) return;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting({ value: chunk, done: false });
    // A client that reads nothing does not grow the queue without end: it misses updates instead
    // (the next statistics replace the lost ones).
    else if (this.#queue.length < 64) this.#queue.push(chunk);
  }

  next(): Promise<IteratorResult<string>> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) return Promise.resolve({ value: chunk, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  async return(): Promise<IteratorResult<string>> {
    this.close();
    return { value: undefined, done: true };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
    this.#onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

export interface LiveStatsOptions {
  /** Computes the statistics as `actor` may see them (`service.stats`). */
  stats: (actor: Actor) => Promise<UserStats>;
  feed: ChangeFeed;
  /** At most one recomputation per interval, per instance. Default 500 ms. */
  intervalMs?: number;
  /** Between heartbeats (`: ping`). Default 15 s. */
  heartbeatMs?: number;
  /** Receives a failed recomputation (the stream goes on; the next change retries). */
  onError?: (error: unknown) => void;
  /** Ends every stream, and refuses new ones, when it aborts (graceful shutdown). */
  signal?: AbortSignal | undefined;
}

interface Subscriber {
  actor: Actor;
  channel: SseChannel;
}

/**
 * The subscribers of one instance. It listens to the feed only while someone subscribes.
 *
 * @example
 * ```ts
 * const live = new LiveStats({ stats: (actor) => service.stats(actor), feed });
 * for await (const chunk of live.stream(admin, signal)) response.write(chunk);
 * ```
 */
export class LiveStats {
  readonly #options: LiveStatsOptions;
  readonly #subscribers = new Set<Subscriber>();
  #unsubscribe: (() => void) | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastRun = 0;

  constructor(options: LiveStatsOptions) {
    this.#options = options;
    options.signal?.addEventListener('abort', () => {
      for (const { channel } of [...this.#subscribers]) channel.close();
    }, { once: true });
  }

  /** How many streams this instance serves. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /**
   * A stream for `actor`: the statistics at once, then after every change (coalesced), each
   * change as an `activity` event, and a heartbeat. It ends when `signal` aborts or the reader
   * stops (`return`).
   */
  stream(actor: Actor, signal?: AbortSignal): AsyncIterableIterator<string> {
    const subscriber: Subscriber = { actor, channel: new SseChannel(() => this.#remove(subscriber)) };
    this.#subscribers.add(subscriber);
    this.#start();
    signal?.addEventListener('abort', () => subscriber.channel.close(), { once: true });
    if (signal?.aborted || this.#options.signal?.aborted) subscriber.channel.close();
    subscriber.channel.push('retry: 3000\n\n');
    this.#options.stats(actor).then(
      (stats) => subscriber.channel.push(sseEvent('stats', stats)),
      (error: unknown) => this.#options.onError?.(error),
    );
    return subscriber.channel;
  }

  #start(): void {
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#options.feed.subscribe((batch) => this.#onBatch(batch));
    this.#heartbeat = setInterval(() => this.#broadcast(ssePing), this.#options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref?.();
  }

  #remove(subscriber: Subscriber): void {
    this.#subscribers.delete(subscriber);
    if (this.#subscribers.size > 0) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #broadcast(chunk: string): void {
    for (const { channel } of this.#subscribers) channel.push(chunk);
  }

  #onBatch(batch: ChangeBatch): void {
    for (const change of batch.changes) this.#broadcast(sseEvent('activity', change));
    if (this.#timer) return; // a recomputation is already due: it will see this change too
    const interval = this.#options.intervalMs ?? 500;
    const delay = Math.max(0, this.#lastRun + interval - Date.now());
    this.#timer = setTimeout(() => void this.#recompute(), delay);
    this.#timer.unref?.();
  }

  async #recompute(): Promise<void> {
    this.#lastRun = Date.now();
    const first = this.#subscribers.values().next();
    if (first.done) return void (this.#timer = undefined);
    // The statistics are the same for every admin: one query serves every stream of the instance.
    let stats: UserStats;
    try {
      stats = await this.#options.stats(first.value.actor);
    } catch (error) {
      this.#options.onError?.(error);
      return void (this.#timer = undefined);
    }
    this.#timer = undefined;
    this.#broadcast(sseEvent('stats', stats));
  }
}

/** The event names a change can carry, for documentation and clients. */
export type LiveChangeEvent = Extract<UserEventName, (typeof liveEvents)[number]>;
