/**
 * `client.subscribeStats`: the live statistics of `GET /users/stats/stream` (Server-Sent Events),
 * read over fetch streaming rather than `EventSource`, so the bearer token goes in a header. The
 * event names and their data are the contract's (`contract.statsStream.success.events`).
 */
import type { Contract } from '@userkit/core';
import type { z } from 'zod';
import type { CallOptions } from './user-client';
import { ApiError } from './client-errors';

type Events = Contract['statsStream']['success']['events'];
/** A `stats` event: the statistics, as `GET /users/stats` answers them. */
export type LiveStatsEvent = z.output<Events['stats']>;
/** An `activity` event: a change on any instance. */
export type LiveActivityEvent = z.output<Events['activity']>;

export interface StatsSubscriptionOptions {
  /** Called at once with the current statistics, and again after every change. */
  onStats: (stats: LiveStatsEvent) => void;
  /** Called with each change, as it happens. */
  onActivity?: (change: LiveActivityEvent) => void;
  /**
   * Called when the stream fails. `retryInMs` is when it reconnects, or undefined when it gives up
   * (the token was refused: 401, or the caller is not an admin: 403).
   */
  onError?: (error: unknown, retryInMs: number | undefined) => void;
  /** Ends the subscription. */
  signal?: AbortSignal;
  /** Reconnect delays: doubled after each failure, from `initialMs` (1 s) up to `maxMs` (30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** A stream silent for this long (no event, no heartbeat) is reopened. Default 45 s (three heartbeats). */
  idleTimeoutMs?: number;
}

/** Opens the stream once: the client's `statsStream` call. */
export type OpenStatsStream = (call: CallOptions) => Promise<Response>;

const gaveUp = (error: unknown) => error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN');

/**
 * Subscribes; returns the function that unsubscribes (as aborting `signal` does).
 *
 * @example
 * ```ts
 * const stop = client.subscribeStats({
 *   onStats: (stats) => render(stats),
 *   onActivity: (change) => feed.prepend(change),
 *   onError: (error, retryInMs) => banner(retryInMs === undefined ? 'Stopped' : 'Reconnecting…'),
 * });
 * ```
 */
export function subscribeStats(open: OpenStatsStream, options: StatsSubscriptionOptions): () => void {
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  if (options.signal?.aborted) stop.abort();
  const initial = options.backoff?.initialMs ?? 1_000;
  const max = options.backoff?.maxMs ?? 30_000;
  void (async () => {
    let failures = 0;
    while (!stop.signal.aborted) {
      try {
        await readOnce(open, options, stop.signal, () => (failures = 0));
        if (stop.signal.aborted) return;
        throw new Error('The statistics stream ended');
      } catch (error) {
        if (stop.signal.aborted) return;
        if (gaveUp(error)) return void options.onError?.(error, undefined);
        // Full jitter: many dashboards reconnecting after a deploy do not arrive together.
        const delay = Math.round(Math.min(max, initial * 2 ** failures++) * (0.5 + Math.random() / 2));
        options.onError?.(error, delay);
        await sleep(delay, stop.signal);
      }
    }
  })();
  return () => stop.abort();
}

async function readOnce(open: OpenStatsStream, options: StatsSubscriptionOptions, stop: AbortSignal, connected: () => void): Promise<void> {
  const attempt = new AbortController();
  const onStop = () => attempt.abort();
  stop.addEventListener('abort', onStop, { once: true });
  const idleMs = options.idleTimeoutMs ?? 45_000;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => attempt.abort(new Error('The statistics stream went silent')), idleMs);
  };
  try {
    touch();
    const response = await open({ signal: attempt.signal, headers: { accept: 'text/event-stream' } });
    const body = response.body;
    if (!body) throw new Error('The statistics stream has no body');
    const reader = body.getReader();
    attempt.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        if (attempt.signal.aborted && !stop.aborted) throw attempt.signal.reason;
        return;
      }
      touch();
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        dispatch(block, options, connected);
      }
    }
  } finally {
    clearTimeout(idle);
    stop.removeEventListener('abort', onStop);
  }
}

/** One SSE block: `event:` and `data:` lines (comments, such as the `: ping` heartbeat, are skipped). */
function dispatch(block: string, options: StatsSubscriptionOptions, connected: () => void): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return;
  const parsed: unknown = JSON.parse(data.join('\n'));
  if (event === 'stats') {
    connected();
    options.onStats(parsed as LiveStatsEvent);
  } else if (event === 'activity') options.onActivity?.(parsed as LiveActivityEvent);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
