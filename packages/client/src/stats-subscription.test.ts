/**
 * `client.subscribeStats` over a fake fetch: the bearer header, events split across chunks, the
 * heartbeat skipped, a reconnect after the stream ends, and giving up on 401.
 */
import { describe, expect, it } from 'vitest';
import { createUserClient } from './user-client';
import type { LiveActivityEvent, LiveStatsEvent } from './stats-subscription';

const sse = (chunks: string[]) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    }),
    { status: 200, headers: { 'content-type': 'text/event-stream' } },
  );

describe('subscribeStats', () => {
  it('delivers stats and activity with the bearer token, reconnects when the stream ends, and stops on 401', async () => {
    const calls: Request[] = [];
    const answers = [
      () => sse(['retry: 3000\n\nevent: stats\ndata: {"tot', 'al":1}\n\n: ping\n\nevent: activity\r\ndata: {"event":"user.created","user_id":5,"actor_id":1,"at":"x"}\r\n\r\n']),
      () => sse(['event: stats\ndata: {"total":2}\n\n']),
      () => new Response(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, code: 'UNAUTHENTICATED', detail: 'Sign in' }), { status: 401, headers: { 'content-type': 'application/problem+json' } }),
    ];
    const fetch = async (input: string | URL | Request, init?: RequestInit) => {
      calls.push(new Request(input, init));
      const answer = answers[calls.length - 1];
      if (!answer) throw new Error('too many calls');
      return answer();
    };
    const client = createUserClient({ baseUrl: 'http://localhost:3000/api', token: 't0k3n', fetch, retries: 0 });
    const stats: LiveStatsEvent[] = [];
    const activity: LiveActivityEvent[] = [];
    const errors: (number | undefined)[] = [];
    await new Promise<void>((resolve) => {
      client.subscribeStats({
        onStats: (s) => stats.push(s),
        onActivity: (a) => activity.push(a),
        onError: (_error, retryInMs) => {
          errors.push(retryInMs);
          if (retryInMs === undefined) resolve();
        },
        backoff: { initialMs: 1, maxMs: 2 },
      });
    });
    expect(calls[0]?.url).toBe('http://localhost:3000/api/users/stats/stream');
    expect(calls[0]?.headers.get('authorization')).toBe('Bearer t0k3n');
    expect(stats.map((s) => s.total)).toEqual([1, 2]);
    expect(activity).toEqual([{ event: 'user.created', user_id: 5, actor_id: 1, at: 'x' }]);
    expect(errors.at(-1)).toBeUndefined();
    expect(errors.slice(0, -1).every((ms) => typeof ms === 'number')).toBe(true);
  });

  it('stops when its signal aborts', async () => {
    let opened = 0;
    const abort = new AbortController();
    const fetch = async () => {
      opened++;
      abort.abort();
      return sse(['event: stats\ndata: {"total":1}\n\n']);
    };
    const client = createUserClient({ baseUrl: 'http://localhost:3000/api', token: 't', fetch, retries: 0 });
    client.subscribeStats({ onStats: () => {}, signal: abort.signal, backoff: { initialMs: 1, maxMs: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(opened).toBe(1);
  });
});
