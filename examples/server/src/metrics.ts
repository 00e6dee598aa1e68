/**
 * Prometheus metrics for the example servers, with prom-client. Core knows nothing of prom-client:
 * it calls the handler's `onRequestComplete` with each answered request, and this module turns
 * those events, the password hasher's queue and the database pool into metrics.
 *
 * Off by default. USERKIT_METRICS_TOKEN serves them at `/api/metrics` behind that bearer token;
 * USERKIT_METRICS_PORT serves them at `/metrics` on a separate port (see docs/operations.md).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestEvent } from '@userkit/core/server';
import type { WorkerPasswordHasherStats } from '@userkit/core/node';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  /** The password hasher's pool (queue depth, busy workers, queue wait). */
  hasher?: { readonly stats: WorkerPasswordHasherStats } | undefined;
  /** The database pool (PostgreSQL only; PGlite has none). */
  pool?: (() => { total: number; idle: number; waiting: number }) | undefined;
}

export interface Metrics {
  registry: Registry;
  /** The handler's `onRequestComplete`. */
  observe(event: RequestEvent): void;
  /** Answers a metrics scrape, checking the bearer token when one is set. */
  serve(request: IncomingMessage, response: ServerResponse): void;
}

/** The sign-in outcome of a login request, as a label value. */
function signInOutcome(event: RequestEvent): string {
  if (event.status < 400) return 'success';
  switch (event.errorCode) {
    case 'INVALID_CREDENTIALS':
      return 'invalid_credentials';
    case 'RATE_LIMITED':
      return 'throttled';
    case 'ACCOUNT_SUSPENDED':
    case 'ACCOUNT_INACTIVE':
      return 'refused';
    case 'SERVICE_UNAVAILABLE':
      return 'unavailable';
    default:
      return event.status >= 500 ? 'error' : 'invalid_request';
  }
}

/** Compares a presented bearer token with the configured one in constant time. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

/**
 * The metrics of one server: requests and latency by route and status, sign-in outcomes, the
 * hasher's queue, the database pool, and the process (prom-client's default metrics).
 */
export function createMetrics(sources: MetricsSources, token: string | undefined): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'userkit_http_requests_total', help: 'Answered API requests', labelNames, registers: [registry] });
  const latency = new Histogram({
    name: 'userkit_http_request_duration_seconds',
    help: 'Time until the response head was ready',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signIns = new Counter({ name: 'userkit_sign_ins_total', help: 'Login requests by outcome', labelNames: ['outcome'], registers: [registry] });
  const hasher = sources.hasher;
  if (hasher) {
    new Gauge({ name: 'userkit_hasher_queue_depth', help: 'Password hashing jobs waiting for a worker', registers: [registry], collect() { this.set(hasher.stats.queued); } });
    new Gauge({ name: 'userkit_hasher_busy_workers', help: 'Password hashing workers running a job', registers: [registry], collect() { this.set(hasher.stats.busy); } });
    new Counter({ name: 'userkit_hasher_jobs_started_total', help: 'Password hashing jobs given to a worker', registers: [registry], collect() { this.reset(); this.inc(hasher.stats.started); } });
    new Counter({
      name: 'userkit_hasher_queue_wait_seconds_total',
      help: 'Time password hashing jobs waited for a worker, added up (divide by jobs started for the mean)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(hasher.stats.waitMsTotal / 1000);
      },
    });
  }
  const pool = sources.pool;
  if (pool) {
    new Gauge({ name: 'userkit_db_pool_connections_in_use', help: 'PostgreSQL connections lent out', registers: [registry], collect() { const s = pool(); this.set(s.total - s.idle); } });
    new Gauge({ name: 'userkit_db_pool_connections_idle', help: 'PostgreSQL connections idle in the pool', registers: [registry], collect() { this.set(pool().idle); } });
    new Gauge({ name: 'userkit_db_pool_waiting', help: 'Queries waiting for a PostgreSQL connection', registers: [registry], collect() { this.set(pool().waiting); } });
  }

  return {
    registry,
    observe(event) {
      const labels = { method: event.method, route: event.route ?? 'unmatched', status: String(event.status) };
      requests.inc(labels);
      latency.observe(labels, event.durationMs / 1000);
      if (event.routeName === 'login') signIns.inc({ outcome: signInOutcome(event) });
    },
    serve(request, response) {
      if (token !== undefined && !tokenMatches(request.headers.authorization, token)) {
        response.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end('Send Authorization: Bearer <USERKIT_METRICS_TOKEN>\n');
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text),
        () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics failed\n'),
      );
    },
  };
}
