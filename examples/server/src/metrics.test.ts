/** The Prometheus metrics: request counts and latency by route and status, sign-ins, hasher queue, pool; token required. */
import { createServer, type Server } from 'node:http';
import type { RequestEvent } from '@userkit/core/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from './metrics';

const event = (overrides: Partial<RequestEvent>): RequestEvent => ({
  requestId: 'r',
  method: 'GET',
  route: '/users/{id}',
  routeName: 'getUser',
  status: 200,
  durationMs: 12,
  userId: 1,
  errorCode: undefined,
  address: '127.0.0.1',
  credentials: true,
  ...overrides,
});

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(metrics: Metrics): Promise<string> {
  server = createServer((request, response) => metrics.serve(request, response));
  await new Promise<void>((resolve) => server?.listen(0, resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
}

describe('metrics', () => {
  it('counts requests by route pattern and status, sign-in outcomes, the hasher queue and the pool', async () => {
    const hasher = { stats: { workers: 1, busy: 1, queued: 3, started: 10, waitMsTotal: 2500 } };
    const metrics = createMetrics({ hasher, pool: () => ({ total: 5, idle: 2, waiting: 4 }) }, undefined);
    metrics.observe(event({}));
    metrics.observe(event({ status: 404, errorCode: 'NOT_FOUND' }));
    metrics.observe(event({ method: 'POST', route: '/auth/login', routeName: 'login', status: 401, errorCode: 'INVALID_CREDENTIALS', userId: undefined }));
    metrics.observe(event({ method: 'POST', route: '/auth/login', routeName: 'login', status: 429, errorCode: 'RATE_LIMITED', userId: undefined }));
    metrics.observe(event({ method: 'GET', route: undefined, routeName: undefined, status: 404 }));
    const text = await (await fetch(await serve(metrics))).text();
    expect(text).toContain('userkit_http_requests_total{method="GET",route="/users/{id}",status="200"} 1');
    expect(text).toContain('userkit_http_requests_total{method="GET",route="/users/{id}",status="404"} 1');
    expect(text).toContain('userkit_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).toContain('userkit_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/users/{id}",status="200"} 1');
    expect(text).toContain('userkit_sign_ins_total{outcome="invalid_credentials"} 1');
    expect(text).toContain('userkit_sign_ins_total{outcome="throttled"} 1');
    expect(text).toContain('userkit_hasher_queue_depth 3');
    expect(text).toContain('userkit_hasher_queue_wait_seconds_total 2.5');
    expect(text).toContain('userkit_db_pool_connections_in_use 3');
    expect(text).toContain('userkit_db_pool_waiting 4');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('requires the bearer token when one is set', async () => {
    const url = await serve(createMetrics({}, 'a-metrics-token-0123'));
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer a-metrics-token-0123' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
