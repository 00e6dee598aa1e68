/**
 * Outage (SERVICE_UNAVAILABLE in docs/errors.md#codes, readiness in docs/api.md#system): the database goes away mid-load.
 *
 * The servers (Hono and Express, one pg pool each) reach PostgreSQL through a TCP proxy the test
 * controls. Under a bounded, mixed load the proxy cuts the line. Every answer must then be a
 * normal one or 503 SERVICE_UNAVAILABLE problem+json with Retry-After: never a 500, never a hang;
 * readiness says 503 while liveness says 200. The database is then checked directly (bypassing
 * the proxy): no partial writes (ledger sums, activity entries), every acknowledged write present,
 * nothing of a 503'd request sent after the cut. When the line comes back the same servers recover
 * by themselves, and 503'd credit adjustments retried with their Idempotency-Key apply once.
 *
 * One case is in doubt by nature: when the line dies after `commit` went out but before its answer
 * came back, the server has committed and the client answers 503. The load tolerates exactly those
 * (the proxy counts unanswered commits); a separate test produces the case on purpose.
 *
 * pg emits 'error' on a checked-out client whose connection dies; with no listener that is an
 * uncaught exception (a crashed server). The tests watch for it and report it as a failure.
 *
 * Runs against PostgreSQL only (DATABASE_URL, and `USERKIT_TEST_STORES` allowing postgres); the
 * proxy's own test runs everywhere.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { isUserkitError } from '@userkit/core';
import { type UserkitHandlerOptions, type UserRepository } from '@userkit/core/server';
import { createDatabase, type UserkitDatabase } from '@userkit/kysely';
import { scratchDatabases, testStoreEnabled } from '@userkit/kysely/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, startHarness, type AdapterName, type HttpHarness } from './harness';
import type { SeededUser } from './support';
import { TcpProxy } from './tcp-proxy';

const databaseUrl = process.env.DATABASE_URL;
const postgresEnabled = Boolean(databaseUrl) && testStoreEnabled('postgres');

/** No request may take longer than this, outage or not (the pool gives up connecting after 1 s). */
const clientTimeoutMs = 8_000;
/** The whole load must be over by then. */
const loadBudgetMs = 30_000;
/** Readiness must be back this soon after the line is restored. */
const recoveryBudgetMs = 15_000;

// ---------------------------------------------------------------------------------------------
// The proxy itself, against a local echo server: runs without any database.

/** Connects, sends `text`, resolves to what came back before the socket closed (or `timeoutMs`). */
function exchange(port: number, text: string, timeoutMs = 2_000): Promise<{ received: string; error?: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    let error: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closed: false });
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length >= text.length) socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ received, closed: true, ...(error ? { error } : {}) });
    });
    socket.on('connect', () => socket.write(text));
  });
}

describe('TcpProxy (test tool)', () => {
  let echo: NetServer;
  let echoPort: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    echo = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('forwards on 127.0.0.1, cut() kills open connections and refuses new ones, restore() forwards again', async () => {
    const proxy = new TcpProxy({ host: '127.0.0.1', port: echoPort });
    const port = await proxy.start();
    try {
      expect(port).toBeGreaterThan(0);
      expect(await exchange(port, 'hello')).toMatchObject({ received: 'hello', closed: true });

      // A long-lived connection, open while the line is cut.
      const open = connect({ host: '127.0.0.1', port });
      open.on('error', () => {});
      const openClosed = new Promise<void>((resolve) => open.on('close', () => resolve()));
      await new Promise<void>((resolve) => open.on('connect', () => resolve()));
      open.write('ping');
      await new Promise<void>((resolve) => open.once('data', () => resolve()));
      expect(proxy.stats.open).toBe(1);
      const echoSockets = sockets.size;

      await proxy.cut();
      await openClosed; // the client side is gone...
      await expect.poll(() => sockets.size, { timeout: 2_000 }).toBe(echoSockets - 1); // ...and so is the server side
      expect(proxy.isCut).toBe(true);
      const refused = await exchange(port, 'anyone there?');
      expect(refused.received).toBe('');
      expect(refused.closed).toBe(true);
      expect(proxy.stats).toMatchObject({ refused: 1, cut: 1, open: 0 });

      proxy.restore();
      expect(await exchange(port, 'back again')).toMatchObject({ received: 'back again', closed: true });
      expect(proxy.stats.forwarded).toBe(3);

      // cutOnReply: the first answer carrying the pattern is dropped and the line cut.
      const armed = proxy.cutOnReply('secret');
      expect(await exchange(port, 'no match')).toMatchObject({ received: 'no match', closed: true });
      const dropped = await exchange(port, 'a secret');
      await armed;
      expect(dropped).toMatchObject({ received: '', closed: true });
      expect(proxy.isCut).toBe(true);
      proxy.restore();
      expect(await exchange(port, 'a secret again')).toMatchObject({ received: 'a secret again', closed: true });
    } finally {
      await proxy.close();
    }
    // Closed: nothing listens on the port any more.
    expect((await exchange(port, 'x')).error).toBe('ECONNREFUSED');
  });
});

// ---------------------------------------------------------------------------------------------
// The outage.

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
  /** Set when no response came back (timeout, connection error). */
  error?: string;
  ms: number;
}

/** One HTTP request with a hard client timeout; never rejects. */
function send(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Sent> {
  const started = performance.now();
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve) => {
    const fail = (error: Error) => resolve({ status: 0, headers: {}, text: '', json: undefined, error: error.name === 'AbortError' || error.name === 'TimeoutError' ? `timeout after ${clientTimeoutMs} ms` : error.message, ms: performance.now() - started });
    const req = httpRequest(`${baseUrl}${path}`, { method, headers, agent: false, signal: AbortSignal.timeout(clientTimeoutMs) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - started });
      });
    });
    req.on('error', fail);
    req.end(body);
  });
}

const codeOf = (res: Sent): string | undefined => (res.json as { code?: string } | undefined)?.code;
const describeSent = (res: Sent): string => (res.error ? `no response: ${res.error}` : `${res.status} ${res.text.slice(0, 200)}`);

/** Asserts a 503 SERVICE_UNAVAILABLE problem with a numeric Retry-After. */
function expectUnavailable(res: Sent, what: string): void {
  const summary = `${what}: ${describeSent(res)}`;
  expect(res.status, summary).toBe(503);
  expect(res.headers['content-type'], summary).toMatch(/^application\/problem\+json/);
  expect(res.json, summary).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  expect(res.headers['retry-after'], summary).toMatch(/^\d+$/);
}

/** A small deterministic PRNG (mulberry32), so a failing mix can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Op =
  | { kind: 'get'; id: number }
  | { kind: 'put'; id: number; city: string }
  | { kind: 'create'; email: string }
  | { kind: 'credit'; id: number; amount: number; reason: string; key: string };

interface Done {
  n: number;
  op: Op;
  adapter: AdapterName;
  res: Sent;
  /** Whether the line was already cut when the request was sent. */
  sentAfterCut: boolean;
}

/** The 4xx answers the load may legitimately get (anything else is a finding). */
const expectedClientErrors: Record<Op['kind'], string[]> = {
  get: [],
  put: [],
  create: [],
  credit: ['INSUFFICIENT_CREDITS'],
};
const successStatus: Record<Op['kind'], number> = { get: 200, put: 200, create: 201, credit: 200 };

/**
 * pg 8 emits 'error' on a `Client` whose connection dies, also while the client is checked out of
 * the pool (running a query or holding a transaction), where the pool no longer listens. An
 * 'error' event without a listener throws: an uncaught exception that ends a production process.
 * This records (and swallows) such emits, so the outage test can report them as a finding and
 * still run to the end.
 */
function watchUnhandledClientErrors(): { seen: string[]; stop(): void } {
  const seen: string[] = [];
  const proto = pg.Client.prototype as unknown as { emit(event: string | symbol, ...args: unknown[]): boolean };
  const inherited = proto.emit;
  Object.defineProperty(proto, 'emit', {
    configurable: true,
    writable: true,
    value: function (this: pg.Client, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'error' && this.listenerCount('error') === 0) {
        const error = args[0] as NodeJS.ErrnoException | undefined;
        seen.push(`${error?.code ?? ''} ${error?.message ?? String(error)}`.trim());
        return false;
      }
      return inherited.call(this, event, ...args);
    },
  });
  return { seen, stop: () => delete (proto as { emit?: unknown }).emit };
}

describe.skipIf(!postgresEnabled)('database outage through a TCP proxy (PostgreSQL)', () => {
  const scratch = scratchDatabases(databaseUrl ?? '', 'userkit_outage');
  let name = '';
  const applicationName = `userkit-outage-${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy | undefined;
  let proxiedDatabaseUrl = '';
  let direct: pg.Pool | undefined;
  const harnesses = new Map<AdapterName, HttpHarness>();
  let seeded: SeededUser | undefined;
  const reported: unknown[] = [];
  let clientErrors: ReturnType<typeof watchUnhandledClientErrors> = { seen: [], stop: () => {} };

  const h = (adapter: AdapterName): HttpHarness => {
    const harness = harnesses.get(adapter);
    if (!harness) throw new Error(`no ${adapter} harness`);
    return harness;
  };
  /** The super admin, seeded directly (so without a 'created' activity entry). */
  const admin = (): SeededUser => {
    if (!seeded) throw new Error('no admin');
    return seeded;
  };
  const db = (): pg.Pool => {
    if (!direct) throw new Error('no direct pool');
    return direct;
  };

  beforeAll(async () => {
    clientErrors = watchUnhandledClientErrors();
    const database = await scratch.create();
    name = database.name;
    const realUrl = new URL(database.url);

    // Migrated directly, not through the proxy.
    const migrating = await createDatabase({ url: realUrl.toString() });
    try {
      await migrating.migrate();
    } finally {
      await migrating.close();
    }
    direct = new pg.Pool({ connectionString: realUrl.toString(), max: 2 });
    direct.on('error', () => {});

    proxy = new TcpProxy({ host: realUrl.hostname, port: Number(realUrl.port || 5432) });
    const proxiedUrl = new URL(realUrl);
    proxiedUrl.hostname = '127.0.0.1';
    proxiedUrl.port = String(await proxy.start());
    proxiedDatabaseUrl = proxiedUrl.toString();

    for (const adapter of adapters) {
      let database: UserkitDatabase | undefined;
      const extra: Partial<UserkitHandlerOptions> = {
        onError: (error) => reported.push(error),
        readiness: async () => {
          if (!database) throw new Error('not open');
          await database.checkMigrations();
        },
      };
      const harness = await startHarness(
        adapter,
        {
          name: `postgres through a proxy (${adapter})`,
          open: async () => {
            database = await createDatabase({ url: proxiedUrl.toString(), pool: { connectionTimeoutMillis: 1000, max: 4, application_name: applicationName } });
            const opened = database;
            return { repository: opened.repository, close: () => opened.close() };
          },
        },
        extra,
      );
      harnesses.set(adapter, harness);
    }
    seeded = await h('hono').seed({ user_type: 'admin', is_super_admin: true });
  });

  afterAll(async () => {
    proxy?.restore();
    await Promise.allSettled([...harnesses.values()].map((harness) => harness.close()));
    await proxy?.close();
    await direct?.end();
    clientErrors.stop();
  });

  /** Waits until PostgreSQL has no backend left for the proxied pools (every cut session rolled back). */
  async function proxiedBackendsGone(): Promise<void> {
    await expect
      .poll(async () => Number((await db().query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [name, applicationName])).rows[0]?.n), {
        timeout: 10_000,
        interval: 50,
      })
      .toBe(0);
  }

  /** Database-level invariants that must hold whatever was cut where. */
  async function expectConsistent(): Promise<void> {
    const ledger = await db().query<{ id: number; credits: number; total: string; entries: string; adjusted: string }>(`
      SELECT u.id, u.credits,
             (SELECT coalesce(sum(t.amount), 0) FROM credit_transactions t WHERE t.user_id = u.id) AS total,
             (SELECT count(*) FROM credit_transactions t WHERE t.user_id = u.id) AS entries,
             (SELECT count(*) FROM user_activity a WHERE a.user_id = u.id AND a.action = 'credits_adjusted') AS adjusted
      FROM users u ORDER BY u.id`);
    for (const row of ledger.rows) {
      expect(Number(row.total), `user ${row.id}: credits equal the ledger sum`).toBe(row.credits);
      expect(Number(row.adjusted), `user ${row.id}: one credits_adjusted activity per ledger entry`).toBe(Number(row.entries));
    }
    // Each ledger entry's balance_after is the running sum up to it.
    const chain = await db().query<{ id: number; user_id: number; balance_after: number; running: string }>(`
      SELECT id, user_id, balance_after, sum(amount) OVER (PARTITION BY user_id ORDER BY id) AS running FROM credit_transactions`);
    for (const row of chain.rows) expect(row.balance_after, `ledger entry ${row.id} of user ${row.user_id}`).toBe(Number(row.running));
    // Every user made through the API has its 'created' entry (seeded users were inserted directly).
    const orphans = await db().query<{ id: number; email: string }>(
      `SELECT id, email FROM users u WHERE NOT (u.id = ANY($1::int[])) AND NOT EXISTS (SELECT 1 FROM user_activity a WHERE a.user_id = u.id AND a.action = 'created')`,
      [[admin().user.id]],
    );
    expect(orphans.rows, 'users without their created activity').toEqual([]);
  }

  /** Polls readiness on `baseUrl` until 200, within the recovery budget; resolves to the time it took. */
  async function readyAgain(baseUrl: string, what: string): Promise<number> {
    const started = performance.now();
    await expect.poll(async () => (await send(baseUrl, 'GET', '/api/health/ready')).status, { timeout: recoveryBudgetMs, interval: 100, message: `${what}: ready again after the line is restored` }).toBe(200);
    return Math.round(performance.now() - started);
  }

  async function ledgerEntries(key: string): Promise<{ id: number; user_id: number; amount: number }[]> {
    const { rows } = await db().query<{ id: string; user_id: number; amount: number }>('SELECT id, user_id, amount FROM credit_transactions WHERE idempotency_key = $1', [key]);
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  it('cut mid-load → only normal answers or 503 with Retry-After, no partial writes, readiness 503; recovers by itself', { timeout: 120_000 }, async () => {
    const both = [...adapters];
    const live = proxy;
    if (!live) throw new Error('no proxy');
    const seed = Number.parseInt(randomBytes(4).toString('hex'), 16);
    const random = prng(seed);
    const context = `seed ${seed}`;
    const { token } = admin();

    // --- Before the outage: customers, made through the API (so with their activity) and with a balance.
    const customers: number[] = [];
    for (let i = 0; i < 6; i++) {
      const adapter = both[i % both.length] as AdapterName;
      const res = await send(h(adapter).baseUrl, 'POST', '/api/users', { token, body: { email: `customer-${i}-${seed}@outage.example.com`, password: `customer ${i} passphrase`, name: `Customer ${i}`, email_verified: true } });
      expect(res.status, describeSent(res)).toBe(201);
      const id = (res.json as { id: number }).id;
      customers.push(id);
      const credit = await send(h(adapter).baseUrl, 'POST', `/api/users/${id}/credits`, { token, body: { amount: 50, reason: 'starting balance' }, headers: { 'idempotency-key': `start-${id}` } });
      expect(credit.status, describeSent(credit)).toBe(200);
    }
    for (const adapter of both) expect((await send(h(adapter).baseUrl, 'GET', '/api/health/ready')).status, `${adapter} ready before the outage`).toBe(200);

    // --- The load: 200 mixed requests, 8 in flight, alternating between the adapters; the line is cut after 70 answers.
    const total = 200;
    const inFlight = 8;
    const cutAfter = 70;
    const ops: Op[] = [];
    for (let n = 0; n < total; n++) {
      const id = customers[Math.floor(random() * customers.length)] as number;
      const pick = random();
      if (pick < 0.3) ops.push({ kind: 'get', id });
      else if (pick < 0.55) ops.push({ kind: 'put', id, city: `city-${n}-${seed}` });
      else if (pick < 0.75) ops.push({ kind: 'create', email: `load-${n}-${seed}@outage.example.com` });
      else {
        const amount = random() < 0.3 ? -(1 + Math.floor(random() * 20)) : 1 + Math.floor(random() * 9);
        ops.push({ kind: 'credit', id, amount, reason: `load ${n}`, key: `load-${n}-${seed}` });
      }
    }
    const request = (op: Op, baseUrl: string): Promise<Sent> => {
      switch (op.kind) {
        case 'get':
          return send(baseUrl, 'GET', `/api/users/${op.id}`, { token });
        case 'put':
          return send(baseUrl, 'PUT', `/api/users/${op.id}`, { token, body: { city: op.city } });
        case 'create':
          return send(baseUrl, 'POST', '/api/users', { token, body: { email: op.email, password: 'a load test passphrase', name: 'Load' } });
        case 'credit':
          return send(baseUrl, 'POST', `/api/users/${op.id}/credits`, { token, body: { amount: op.amount, reason: op.reason }, headers: { 'idempotency-key': op.key } });
      }
    };

    const done: Done[] = [];
    let next = 0;
    let cutting: Promise<void> | undefined;
    let cutAt = 0;
    const unansweredBefore = live.stats.unansweredCommits;
    const loadStarted = performance.now();
    const deadline = loadStarted + loadBudgetMs;
    const worker = async () => {
      while (next < total && performance.now() < deadline) {
        const n = next++;
        const op = ops[n] as Op;
        const adapter = both[n % both.length] as AdapterName;
        const sentAfterCut = cutting !== undefined;
        const res = await request(op, h(adapter).baseUrl);
        done.push({ n, op, adapter, res, sentAfterCut });
        if (done.length === cutAfter && !cutting) {
          cutAt = performance.now();
          cutting = live.cut();
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    await cutting;
    const loadMs = performance.now() - loadStarted;
    const unansweredCommits = live.stats.unansweredCommits - unansweredBefore;
    expect(done, `${context}: the whole load ran within ${loadBudgetMs} ms`).toHaveLength(total);
    expect(cutting, 'the line was cut during the load').toBeDefined();

    // --- Every answer: a normal one, or 503 SERVICE_UNAVAILABLE problem+json with Retry-After. Never a 500, never a hang.
    const tally: Record<string, number> = {};
    const findings: string[] = [];
    for (const { n, op, adapter, res } of done) {
      const key = res.error ? 'no response' : res.status < 400 ? `${op.kind} ${res.status}` : `${op.kind} ${codeOf(res) ?? res.status}`;
      tally[key] = (tally[key] ?? 0) + 1;
      const what = `#${n} ${op.kind} on ${adapter} (${context})`;
      if (res.status === 503) {
        if (res.headers['content-type']?.toString().startsWith('application/problem+json') !== true || codeOf(res) !== 'SERVICE_UNAVAILABLE' || !/^\d+$/.test(String(res.headers['retry-after'])))
          findings.push(`${what}: 503 without SERVICE_UNAVAILABLE problem+json and Retry-After: ${JSON.stringify(res.headers)} ${res.text.slice(0, 200)}`);
      } else if (res.status !== successStatus[op.kind] && !(res.status >= 400 && res.status < 500 && expectedClientErrors[op.kind].includes(codeOf(res) ?? ''))) {
        findings.push(`${what}: ${describeSent(res)}`);
      }
    }
    const slowest = Math.max(...done.map((d) => d.res.ms));
    const summary = `${total} requests in ${Math.round(loadMs)} ms, cut after ${Math.round(cutAt - loadStarted)} ms; slowest answer ${Math.round(slowest)} ms; proxy ${JSON.stringify(live.stats)}; ${JSON.stringify(tally)}`;
    expect(findings, `${context}: unexpected answers; ${summary}; onError got ${reported.map(String).join(' | ')}`).toEqual([]);
    expect(done.filter((d) => !d.sentAfterCut && d.res.status < 300).length, 'requests succeeded before the cut').toBeGreaterThan(0);
    expect(done.filter((d) => d.res.status === 503).length, 'the cut was felt').toBeGreaterThan(0);
    expect(
      done.filter((d) => d.sentAfterCut && d.res.status !== 503).map((d) => `#${d.n} ${d.op.kind} ${describeSent(d.res)}`),
      'every request sent after the cut answers 503',
    ).toEqual([]);
    expect(reported, 'an unreachable database is expected, not reported through onError').toEqual([]);
    // Soft: the rest of the scenario still runs (the watcher swallowed the emits), so every finding shows.
    expect.soft(clientErrors.seen, "pg.Client emitted 'error' with no listener (an uncaught exception: it would crash the server process)").toEqual([]);

    // --- While cut: readiness 503 (with Retry-After), liveness 200, authenticated routes 503, on both adapters.
    for (const adapter of both) {
      const { baseUrl } = h(adapter);
      expectUnavailable(await send(baseUrl, 'GET', '/api/health/ready'), `${adapter} GET /api/health/ready while cut`);
      const liveness = await send(baseUrl, 'GET', '/api/health');
      expect(liveness.status, `${adapter} GET /api/health while cut: ${describeSent(liveness)}`).toBe(200);
      expectUnavailable(await send(baseUrl, 'GET', '/api/users/me', { token }), `${adapter} GET /api/users/me while cut`);
      expectUnavailable(await send(baseUrl, 'POST', '/api/auth/login', { body: { email: admin().user.email, password: admin().password } }), `${adapter} POST /api/auth/login while cut`);
    }

    // --- No partial writes, checked directly against the database (the line is still cut).
    // A 503 to a request sent after the cut: it never reached the database, nothing of it may exist.
    // A 503 to a request in flight at the cut is in doubt only if its `commit` was on the wire: the
    // server may have committed and the answer been lost. Such a write must be whole, and there can
    // be no more of them than the unanswered commits the proxy saw.
    await proxiedBackendsGone();
    await expectConsistent();
    const ok = (res: Sent) => res.status >= 200 && res.status < 300;
    const of = <K extends Op['kind']>(kind: K, test: (d: Done) => boolean) => done.filter((d) => d.op.kind === kind && test(d)) as (Done & { op: Extract<Op, { kind: K }> })[];
    const after503 = (d: Done) => d.res.status === 503 && d.sentAfterCut;
    const inDoubt = (d: Done) => d.res.status === 503 && !d.sentAfterCut;
    const landed: string[] = [];

    const emailRows = new Map((await db().query<{ id: number; email: string }>(`SELECT id, email FROM users WHERE email LIKE 'load-%'`)).rows.map((r) => [r.email, r.id]));
    for (const d of of('create', (d) => ok(d.res))) expect(emailRows.get(d.op.email), `#${d.n} 201 POST /users ${d.op.email} is stored`).toBe((d.res.json as { id: number }).id);
    for (const d of of('create', after503)) expect(emailRows.has(d.op.email), `#${d.n} 503 POST /users ${d.op.email}, sent after the cut, left a row (${context})`).toBe(false);
    for (const d of of('create', inDoubt)) if (emailRows.has(d.op.email)) landed.push(`#${d.n} POST /users ${d.op.email}`);
    expect(emailRows.size, 'no other load user exists').toBe(of('create', (d) => ok(d.res)).length + landed.length);

    const cityActivity = new Set(
      (await db().query<{ city: string }>(`SELECT changes->'city'->>'new' AS city FROM user_activity WHERE action = 'updated' AND changes ? 'city'`)).rows.map((r) => r.city),
    );
    for (const d of of('put', (d) => ok(d.res))) {
      expect((d.res.json as { city: string }).city, `#${d.n} 200 PUT echoes the city`).toBe(d.op.city);
      expect(cityActivity.has(d.op.city), `#${d.n} 200 PUT ${d.op.city} has its activity entry`).toBe(true);
    }
    for (const d of of('put', after503)) expect(cityActivity.has(d.op.city), `#${d.n} 503 PUT ${d.op.city}, sent after the cut, left an activity entry (${context})`).toBe(false);
    for (const d of of('put', inDoubt)) if (cityActivity.has(d.op.city)) landed.push(`#${d.n} PUT ${d.op.city}`);
    const finalCities = new Map((await db().query<{ id: number; city: string | null }>('SELECT id, city FROM users')).rows.map((r) => [r.id, r.city]));
    for (const id of customers) {
      const city = finalCities.get(id);
      if (city) expect(cityActivity.has(city), `user ${id}: its city ${city} came with its activity entry`).toBe(true);
    }

    const ledgerByKey = new Map(
      (await db().query<{ id: string; user_id: number; amount: number; idempotency_key: string }>(`SELECT id, user_id, amount, idempotency_key FROM credit_transactions WHERE idempotency_key LIKE 'load-%'`)).rows.map((r) => [
        r.idempotency_key,
        { id: Number(r.id), user_id: r.user_id, amount: r.amount },
      ]),
    );
    for (const d of of('credit', (d) => ok(d.res))) {
      const { transaction } = d.res.json as { transaction: { id: number } };
      expect(ledgerByKey.get(d.op.key), `#${d.n} 200 credits ${d.op.key} is in the ledger`).toEqual({ id: transaction.id, user_id: d.op.id, amount: d.op.amount });
    }
    for (const d of of('credit', (d) => d.res.status === 409 || after503(d))) expect(ledgerByKey.has(d.op.key), `#${d.n} ${d.res.status} credits ${d.op.key} left a ledger entry (${context})`).toBe(false);
    for (const d of of('credit', inDoubt)) if (ledgerByKey.has(d.op.key)) landed.push(`#${d.n} credits ${d.op.key}`);
    expect(ledgerByKey.size, 'no other load ledger entry exists').toBe(of('credit', (d) => ok(d.res)).length + landed.filter((l) => l.includes(' credits ')).length);
    expect(landed.length, `503'd writes that landed (${landed.join(', ')}) are at most the commits left unanswered by the cut (${unansweredCommits})`).toBeLessThanOrEqual(unansweredCommits);

    // --- Restore the line: the same servers recover by themselves, within a bounded time.
    live.restore();
    const recovery: Record<string, number> = {};
    for (const adapter of both) {
      const { baseUrl } = h(adapter);
      recovery[adapter] = await readyAgain(baseUrl, adapter);
      const me = await send(baseUrl, 'GET', '/api/users/me', { token });
      expect(me.status, `${adapter} GET /api/users/me after recovery: ${describeSent(me)}`).toBe(200);
      const create = await send(baseUrl, 'POST', '/api/users', { token, body: { email: `after-${adapter}-${seed}@outage.example.com`, password: 'a recovered passphrase', name: 'After' } });
      expect(create.status, `${adapter} POST /api/users after recovery: ${describeSent(create)}`).toBe(201);
      const put = await send(baseUrl, 'PUT', `/api/users/${customers[0]}`, { token, body: { city: `after-${adapter}-${seed}` } });
      expect(put.status, `${adapter} PUT after recovery: ${describeSent(put)}`).toBe(200);
    }

    // A client retrying its 503'd adjustments with the same Idempotency-Key gets each applied exactly once
    // (an in-doubt one that landed is replayed, not applied again).
    const retried = of('credit', (d) => d.res.status === 503);
    for (const d of retried) {
      const retry = () => send(h(d.adapter).baseUrl, 'POST', `/api/users/${d.op.id}/credits`, { token, body: { amount: d.op.amount, reason: d.op.reason }, headers: { 'idempotency-key': d.op.key } });
      const again = await retry();
      expect([200, 409], `retry of #${d.n} ${d.op.key}: ${describeSent(again)}`).toContain(again.status);
      if (again.status === 409) expect(codeOf(again)).toBe('INSUFFICIENT_CREDITS');
      const first = ledgerByKey.get(d.op.key);
      if (first) expect((again.json as { transaction: { id: number } }).transaction.id, `retry of #${d.n}, which had landed, is a replay`).toBe(first.id);
      const replay = await retry();
      expect(replay.status, `second retry of #${d.n} ${d.op.key}`).toBe(again.status);
      if (again.status === 200) expect(replay.json, `second retry of #${d.n} replays the first result`).toEqual(again.json);
    }
    const perKey = await db().query<{ idempotency_key: string; n: string }>(`SELECT idempotency_key, count(*) AS n FROM credit_transactions WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING count(*) > 1`);
    expect(perKey.rows, 'an idempotency key applied twice').toEqual([]);
    await expectConsistent();
    expect(reported, 'nothing unexpected reached onError').toEqual([]);
    console.info(
      `outage (${context}): ${summary}; in doubt: ${done.filter(inDoubt).length} 503'd in flight at the cut, ${unansweredCommits} commits unanswered, ${landed.length} landed${landed.length ? ` (${landed.join(', ')})` : ''}; ready again after ${JSON.stringify(recovery)} ms; ${retried.length} 503'd adjustments retried`,
    );
  });

  it("the answer to COMMIT is lost: 503 with Retry-After, the write is whole (it did land: the 'changed nothing' of SERVICE_UNAVAILABLE in docs/errors.md#codes cannot hold here, see docs/decisions.md#outages); an Idempotency-Key retry replays it", async () => {
    const hono = h('hono');
    const live = proxy;
    if (!live) throw new Error('no proxy');
    const { token } = admin();
    live.restore();
    await readyAgain(hono.baseUrl, 'hono');
    const tag = randomBytes(4).toString('hex');
    const made = await send(hono.baseUrl, 'POST', '/api/users', { token, body: { email: `ack-${tag}@outage.example.com`, password: 'an acknowledged passphrase', name: 'Ack' } });
    expect(made.status, describeSent(made)).toBe(201);
    const id = (made.json as { id: number }).id;

    // Credits: the server commits, the proxy drops its "COMMIT" answer and cuts the line.
    const key = `ack-${tag}`;
    let armed = live.cutOnReply('COMMIT\0');
    const lost = await send(hono.baseUrl, 'POST', `/api/users/${id}/credits`, { token, body: { amount: 7, reason: 'lost answer' }, headers: { 'idempotency-key': key } });
    await armed;
    expectUnavailable(lost, 'POST credits whose COMMIT answer was lost');
    await proxiedBackendsGone();
    const entries = await ledgerEntries(key);
    expect(entries, 'the server did commit the adjustment (the client could not know)').toHaveLength(1);
    await expectConsistent();
    live.restore();
    await readyAgain(hono.baseUrl, 'hono');
    const retry = await send(hono.baseUrl, 'POST', `/api/users/${id}/credits`, { token, body: { amount: 7, reason: 'lost answer' }, headers: { 'idempotency-key': key } });
    expect(retry.status, describeSent(retry)).toBe(200);
    expect(retry.json, 'the retry replays the committed adjustment').toMatchObject({ credits: 7, transaction: { id: entries[0]?.id, amount: 7 } });
    expect(await ledgerEntries(key), 'applied once').toHaveLength(1);

    // POST /users has no Idempotency-Key: the same loss leaves a client that retries with EMAIL_TAKEN for its own user.
    const email = `ack-new-${tag}@outage.example.com`;
    armed = live.cutOnReply('COMMIT\0');
    const create = await send(hono.baseUrl, 'POST', '/api/users', { token, body: { email, password: 'an acknowledged passphrase', name: 'Lost' } });
    await armed;
    expectUnavailable(create, 'POST /users whose COMMIT answer was lost');
    await proxiedBackendsGone();
    expect((await db().query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount, 'the server did commit the user').toBe(1);
    await expectConsistent();
    live.restore();
    await readyAgain(hono.baseUrl, 'hono');
    const again = await send(hono.baseUrl, 'POST', '/api/users', { token, body: { email, password: 'an acknowledged passphrase', name: 'Lost' } });
    expect(codeOf(again), describeSent(again)).toBe('EMAIL_TAKEN');
    expect(reported, 'nothing unexpected reached onError').toEqual([]);

    // A write outside a transaction run again by name only (a prepared statement: its text is not
    // on the wire the second time) is in doubt too when its answer is lost: the proxy counts it.
    live.restore();
    const client = new pg.Client({ connectionString: proxiedDatabaseUrl });
    client.on('error', () => {});
    await client.connect();
    const write = { name: 'outage_named_write', text: 'UPDATE users SET city = $1 WHERE id = $2', values: ['named', id] };
    await client.query(write);
    const counted = live.stats.unansweredCommits;
    armed = live.cutOnReply('UPDATE 1\0');
    await expect(client.query({ ...write, values: ['named again', id] })).rejects.toThrow();
    await armed;
    expect(live.stats.unansweredCommits, 'the lost answer of a write run by name is counted as in doubt').toBe(counted + 1);
    await client.end().catch(() => {});
    live.restore();
    await readyAgain(hono.baseUrl, 'hono');
  });

  it('a connection lost inside a transaction → SERVICE_UNAVAILABLE to the caller, nothing committed, nothing crashes; the pool heals', async () => {
    const hono = h('hono');
    const live = proxy;
    if (!live) throw new Error('no proxy');
    live.restore();
    await readyAgain(hono.baseUrl, 'hono');
    const before = clientErrors.seen.length;
    const email = `half-${randomBytes(4).toString('hex')}@outage.example.com`;
    const outcome = await hono.repository
      .transaction(async (tx: UserRepository) => {
        await tx.insert({ email, password_hash: 'x', user_type: 'customer', status: 'active', created_at: new Date(), updated_at: new Date() });
        // The connection dies while the transaction holds it, between two statements.
        await live.cut();
        await new Promise((resolve) => setTimeout(resolve, 100));
        await tx.findByEmail(email);
        return 'committed';
      })
      .catch((error: unknown) => error);
    expect(isUserkitError(outcome, 'SERVICE_UNAVAILABLE'), `the transaction failed with SERVICE_UNAVAILABLE, got ${String(outcome)}`).toBe(true);
    await proxiedBackendsGone();
    expect((await db().query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount, 'nothing of the cut transaction was committed').toBe(0);
    live.restore();
    await readyAgain(hono.baseUrl, 'hono');
    expect((await send(hono.baseUrl, 'GET', '/api/users/me', { token: admin().token })).status, 'the pool heals').toBe(200);
    expect(clientErrors.seen.slice(before), "pg.Client emitted 'error' with no listener (an uncaught exception: it would crash the server process)").toEqual([]);
  });
});
