/**
 * `npm run bench`: userkit's HTTP API on Hono and Express, over PostgreSQL and PGlite, beside raw
 * baselines measured in the same run. Loopback only; every server runs in its own process, the
 * load generator (autocannon) in this one.
 *
 * Judged fairly: BENCH_USERS generated users with varied names, emails, cities and company sites
 * (bench/shared/data.ts, fixed seed, shared with bench:admin); a common search term (~4% of rows)
 * and a rare one; two raw baselines, one reading userkit's wide row and one a narrow row (id,
 * email, name, type, status, timestamps); writes with If-Match to distinct users and to one hot
 * user; server CPU and, where /proc shows them, the PostgreSQL backends' CPU per request.
 *
 * Environment:
 *   DATABASE_URL             PostgreSQL server to create the bench database on
 *                            (default postgres://postgres@127.0.0.1:5432/postgres; PostgreSQL rows are
 *                            skipped with a note when it does not answer)
 *   BENCH_USERS              generated users (default 100000)
 *   BENCH_DURATION           seconds measured per scenario (default 5)
 *   BENCH_WARMUP             seconds of warm-up per scenario (default 1)
 *   BENCH_CONNECTIONS        connections of the HTTP scenarios (default 32)
 *   BENCH_LOGIN_CONNECTIONS  connections of the login load (default 4)
 *   BENCH_LOGIN_DURATION     seconds measured for the login-only scenario (default max(BENCH_DURATION, 10))
 *   BENCH_ROUNDS             alternating baseline/userkit windows of the GET comparison (default 2)
 *   BENCH_SERVER_WARMUP      seconds of GET load on each server before anything is measured (default 3)
 *   BENCH_HASHER             worker (default: WorkerPasswordHasher when core exports it) | bcryptjs | default
 *   BENCH_ONLY               comma list of filters: postgres, pglite, hono, express (default: all)
 *   BENCH_NO_DOCS=1          a trial run: neither docs/benchmarks.md nor bench/results/http-latest.json is
 *                            written, only the timestamped copy in bench/http/.history/
 *
 * `node bench/http/run.mjs --render <results.json>` prints the docs section of a results file
 * (bench/results/http-latest.json or one in .history/) without running anything or writing.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { buildServers, combine, cpuSince, here, load, login, openDbCpu, pick, root, runSeed, startServer } from './lib.mjs';

const env = process.env;
const duration = Number(env.BENCH_DURATION ?? 5);
const warmup = Number(env.BENCH_WARMUP ?? 1);
const connections = Number(env.BENCH_CONNECTIONS ?? 32);
const loginConnections = Number(env.BENCH_LOGIN_CONNECTIONS ?? 4);
const hasherMode = env.BENCH_HASHER ?? 'worker';
const rounds = Math.max(1, Number(env.BENCH_ROUNDS ?? 2));
const serverWarmup = Number(env.BENCH_SERVER_WARMUP ?? 3);
const loginDuration = Number(env.BENCH_LOGIN_DURATION ?? Math.max(duration, 10));
const only = (env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const baseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seededUsers = Number(env.BENCH_USERS ?? 100_000);
const onlyDbs = only.filter((o) => o === 'postgres' || o === 'pglite');
const onlyFrameworks = only.filter((o) => o === 'hono' || o === 'express');
/** Whether BENCH_ONLY lets this database (and framework family) run. */
const wanted = (db, framework) =>
  (onlyDbs.length === 0 || onlyDbs.includes(db)) && (framework === undefined || onlyFrameworks.length === 0 || onlyFrameworks.includes(framework));

const resultsDir = join(here, '..', 'results');
const docsFile = join(root, 'docs', 'benchmarks.md');
const sectionTitle = '## HTTP (npm run bench)';

const load1 = () => Math.round(loadavg()[0] * 100) / 100;
const fmt = (n, digits = 1) => (n === null || n === undefined || Number.isNaN(n) ? '—' : Number(n).toFixed(digits));

const rows = [];
const notes = [];
const started = new Date();
const loadStart = loadavg().map((n) => Math.round(n * 100) / 100);
let hasherLabel;

function log(message) {
  process.stdout.write(`${message}\n`);
}

/** Server CPU (all threads) and event-loop delay around `work`; with `dbCpu`, the PostgreSQL backends' CPU too. */
async function withServerStats(server, work, dbCpu) {
  const dbBefore = await dbCpu?.sample();
  const before = await server.stats();
  const value = await work();
  const after = await server.stats();
  const dbAfter = await dbCpu?.sample();
  const cpuUs = before && after ? after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system : null;
  return { value, cpuUs, dbCpuUs: cpuSince(dbBefore, dbAfter), eventLoopDelay: after?.eventLoopDelay ?? null, unexpectedErrors: after?.unexpectedErrors };
}

/**
 * One scenario window: warm-up, then `duration` seconds measured. With `alongside`, a second load
 * (the logins) starts before the warm-up and runs through the whole window. `spec.during` starts
 * with each load and answers a function that stops it (the hot-user writes keep their version
 * fresh there).
 */
async function measure(server, spec, dbCpu) {
  const opts = { port: server.port, connections: spec.connections ?? connections, request: spec.request, timeout: spec.timeout ?? 10 };
  const span = spec.duration ?? duration;
  const side = spec.alongside ? load({ port: server.port, ...spec.alongside, duration: warmup + span + 0.5 }) : undefined;
  const driven = async (seconds) => {
    const stop = spec.during?.();
    try {
      return await load({ ...opts, duration: seconds });
    } finally {
      stop?.();
    }
  };
  if (warmup > 0) await driven(warmup);
  const loadAvg = load1();
  const { value: main, cpuUs, dbCpuUs, eventLoopDelay } = await withServerStats(server, () => driven(span), dbCpu);
  return { main, side: side && (await side), loadAvg, cpuUs, dbCpuUs, eventLoopDelay };
}

/** Several windows of one scenario taken as one row. */
function merge(windows) {
  const main = combine(windows.map((w) => w.main));
  const sum = (key) => (windows.every((w) => w[key] !== null && w[key] !== undefined) ? windows.reduce((s, w) => s + w[key], 0) : null);
  const delays = windows.map((w) => w.eventLoopDelay).filter(Boolean);
  return {
    main,
    loadAvg: Math.round((windows.reduce((s, w) => s + w.loadAvg, 0) / windows.length) * 100) / 100,
    cpuUs: sum('cpuUs'),
    dbCpuUs: sum('dbCpuUs'),
    eventLoopDelay: delays.length ? { p50: Math.max(...delays.map((d) => d.p50)), p99: Math.max(...delays.map((d) => d.p99)), max: Math.max(...delays.map((d) => d.max)) } : null,
  };
}

function record(db, server, key, scenario, connectionsUsed, m, stats, extra = {}) {
  const failed = stats.requests - stats.ok;
  const served = stats.requests + (extra.sideRequests ?? 0);
  const row = {
    db,
    server,
    key,
    scenario,
    connections: connectionsUsed,
    reqPerSec: stats.reqPerSec,
    p50: stats.p50,
    p95: stats.p95,
    p99: stats.p99,
    max: stats.max,
    requests: stats.requests,
    seconds: stats.seconds,
    failed,
    statuses: stats.statuses,
    errors: stats.errors,
    timeouts: stats.timeouts,
    windowsReqPerSec: stats.windows,
    serverCpuPerReqUs: m.cpuUs == null || served === 0 ? null : Math.round(m.cpuUs / served),
    dbCpuPerReqUs: m.dbCpuUs == null || served === 0 ? null : Math.round(m.dbCpuUs / served),
    dbCpuShare: m.dbCpuUs == null || m.cpuUs == null || m.cpuUs + m.dbCpuUs === 0 ? null : Math.round((m.dbCpuUs / (m.cpuUs + m.dbCpuUs)) * 100) / 100,
    eventLoopDelayMs: m.eventLoopDelay,
    loadAvg1: m.loadAvg,
    ...extra,
  };
  delete row.sideRequests;
  rows.push(row);
  const expected = extra.acceptedStatuses ?? [];
  const unexpected = Object.entries(stats.statuses).filter(([code]) => Number(code) >= 300 && !expected.includes(Number(code)));
  const bad =
    unexpected.length > 0 || stats.errors > 0
      ? `  !! ${unexpected.reduce((s, [, n]) => s + n, 0)} unexpected non-2xx ${JSON.stringify(stats.statuses)}, ${stats.errors} errors, ${stats.timeouts} timeouts`
      : expected.length > 0
        ? `  statuses ${JSON.stringify(stats.statuses)}`
        : '';
  const db$ = row.dbCpuPerReqUs == null ? '' : `  db ${fmt(row.dbCpuPerReqUs, 0).padStart(5)} µs/req (${fmt(row.dbCpuShare * 100, 0)}%)`;
  log(
    `  ${server.padEnd(22)} ${scenario.padEnd(40)} ${fmt(stats.reqPerSec).padStart(8)} req/s  p50 ${fmt(stats.p50, 2).padStart(7)}  p95 ${fmt(stats.p95, 2).padStart(7)}  p99 ${fmt(stats.p99, 2).padStart(7)} ms  cpu ${fmt(row.serverCpuPerReqUs, 0).padStart(6)} µs/req${db$}  load ${m.loadAvg}${bad}`,
  );
  return row;
}

const getById = (ids, token, prefix = '/api') => ({
  method: 'GET',
  path: `${prefix}/users/${ids[0]}`,
  headers: token ? { authorization: `Bearer ${token}` } : {},
  setupRequest: (req) => ({ ...req, path: `${prefix}/users/${pick(ids)}` }),
});

function loginRequest(seed) {
  let next = 0;
  const bodies = seed.loginEmails.map((email) => JSON.stringify({ email, password: seed.password }));
  return {
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    body: bodies[0],
    setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
  };
}

/** The version in a user ETag (`"<id>.<version>"`) among response headers, whatever their case. */
function etagVersion(headers) {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === 'etag');
  const match = key ? /"(\d+)\.(\d+)"/.exec(String(headers[key])) : null;
  return match ? Number(match[2]) : undefined;
}

/** The same order of `items` every run (a fixed-seed Fisher–Yates), so writes spread over the table. */
function shuffled(items) {
  const out = [...items];
  let state = 0x2545f491;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The row versions a data store's users are at, as its PUT answers told them (seeded rows start
 * at 1), and where the distinct writes go next: each write goes to a user not written before in
 * this run (until every one has been), so its If-Match holds unless a write cut off at the end of
 * a window landed unseen.
 */
function writeState(seed) {
  const [hotId, ...rest] = seed.customerIds;
  return { versions: new Map(), order: shuffled(rest), next: 0, hotId, hotWins: 0 };
}

/** PUT /users/{id} with If-Match to a different user each time. */
function distinctWrites(state, token) {
  let n = 0;
  const build = (req) => {
    const id = state.order[state.next++ % state.order.length];
    return {
      ...req,
      path: `/api/users/${id}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': `"${id}.${state.versions.get(id) ?? 1}"` },
      body: JSON.stringify({ notes: `bench note ${n++}` }),
    };
  };
  return {
    ...build({ method: 'PUT' }),
    setupRequest: build,
    onResponse: (status, _body, _context, headers) => {
      const match = status === 200 ? /"(\d+)\.(\d+)"/.exec(String(Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'etag')?.[1] ?? '')) : null;
      if (match) state.versions.set(Number(match[1]), Number(match[2]));
    },
  };
}

/**
 * PUT /users/{id} with If-Match, every connection on the same user, each with the newest version
 * any answer has shown: one write per version wins, the others must answer 412.
 */
function hotWrites(state, token) {
  let n = 0;
  const id = state.hotId;
  const build = (req) => ({
    ...req,
    path: `/api/users/${id}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': `"${id}.${state.versions.get(id) ?? 1}"` },
    body: JSON.stringify({ notes: `hot note ${n++}` }),
  });
  return {
    ...build({ method: 'PUT' }),
    setupRequest: build,
    onResponse: (status, _body, _context, headers) => {
      const version = status === 200 ? etagVersion(headers) : undefined;
      if (version !== undefined && version > (state.versions.get(id) ?? 0)) state.versions.set(id, version);
      if (status === 200) state.hotWins++;
    },
  };
}

/** Reads the hot user's current version, as a client does after a 412. */
async function refreshVersion(port, token, state) {
  const response = await globalThis.fetch(`http://127.0.0.1:${port}/api/users/${state.hotId}`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  const version = etagVersion(Object.fromEntries(response.headers));
  if (version !== undefined) state.versions.set(state.hotId, version);
}

/**
 * While the hot-user writes run: whenever 200 ms pass without a write winning, read the user's
 * version again. A write still in flight when the last window ended (or whose answer was cut off)
 * can land after the version was read; without this every later If-Match would be stale and the
 * window would measure nothing but 412s. Resolves to a stop function.
 */
function keepVersionFresh(port, token, state) {
  let seen = state.hotWins;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    if (state.hotWins !== seen) {
      seen = state.hotWins;
      return;
    }
    busy = true;
    refreshVersion(port, token, state)
      .catch(() => {})
      .finally(() => {
        busy = false;
      });
  }, 200);
  return () => clearInterval(timer);
}

/**
 * Everything on one database: all its servers run at once (idle unless driven), so the GET
 * comparison can alternate baselines and userkit windows (ABAB…) and drift on a shared machine
 * hits all alike. Then each userkit server runs its other scenarios.
 */
async function benchDatabase(db, plan, seed, dbCpu) {
  const servers = [];
  // PostgreSQL: every server reads and writes one database; PGlite: each server its own copy.
  const sharedWrites = writeState(seed);
  try {
    for (const entry of plan) {
      entry.server = await startServer(entry.script, entry.args);
      servers.push(entry.server);
      if (entry.kind === 'userkit') {
        hasherLabel ??= entry.server.info.hasher;
        entry.admin = await login(entry.server.port, seed.admin.email, seed.password);
        entry.customer = await login(entry.server.port, seed.customer.email, seed.password);
        entry.writes = db === 'postgres' ? sharedWrites : writeState(seed);
      }
      entry.get = entry.kind === 'userkit' ? getById(seed.customerIds, entry.admin) : getById(seed.customerIds, undefined, '');
    }
    // JIT (and PGlite's WebAssembly) warm-up before anything is measured.
    for (const entry of plan) if (serverWarmup > 0) await load({ port: entry.server.port, connections, duration: serverWarmup, request: entry.get });

    const windows = new Map(plan.map((e) => [e, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const entry of plan) windows.get(entry).push(await measure(entry.server, { request: entry.get }, dbCpu));
    }
    for (const entry of plan) {
      const m = merge(windows.get(entry));
      if (entry.kind === 'raw') record(db, entry.name, 'baseline', `GET /users/{id} (${entry.columns} row)`, connections, m, m.main, { baseline: true, columns: entry.columns });
      else record(db, entry.name, 'get', 'GET /users/{id} (admin)', connections, m, m.main, { baselineServer: entry.baselineName, narrowBaselineServer: entry.narrowBaselineName });
    }

    for (const entry of plan.filter((e) => e.kind === 'userkit')) {
      const { server, name, admin, customer } = entry;
      const extra = { baselineServer: entry.baselineName };
      const auth = (token) => ({ authorization: `Bearer ${token}` });
      const run = (spec) => measure(server, spec, dbCpu);
      const me = await run({ request: { method: 'GET', path: '/api/users/me', headers: auth(customer) } });
      const idleMe = record(db, name, 'me', 'GET /users/me', connections, me, me.main, extra);

      const list = (path) => ({ request: { method: 'GET', path, headers: auth(admin) } });
      const plain = await run(list('/api/users?limit=20'));
      record(db, name, 'list', 'GET /users?limit=20 (admin)', connections, plain, plain.main, extra);
      const { common, rare } = seed.search;
      const listCommon = await run(list(`/api/users?q=${encodeURIComponent(common.q)}&limit=20`));
      record(db, name, 'list-common', `GET /users?q=${common.q}&limit=20 (common)`, connections, listCommon, listCommon.main, { ...extra, matches: common.matches });
      const listRare = await run(list(`/api/users?q=${encodeURIComponent(rare.q)}&limit=20`));
      record(db, name, 'list-rare', `GET /users?q=${rare.q}&limit=20 (rare)`, connections, listRare, listRare.main, { ...extra, matches: rare.matches });

      const distinct = await run({ request: distinctWrites(entry.writes, admin) });
      record(db, name, 'put-distinct', 'PUT /users/{id} If-Match, distinct users', connections, distinct, distinct.main, extra);
      await refreshVersion(server.port, admin, entry.writes);
      const hot = await run({ request: hotWrites(entry.writes, admin), during: () => keepVersionFresh(server.port, admin, entry.writes) });
      record(db, name, 'put-hot', 'PUT /users/{id} If-Match, one hot user', connections, hot, hot.main, { ...extra, noRatio: true, acceptedStatuses: [412] });

      const logins = await run({ request: loginRequest(seed), connections: loginConnections, timeout: 30, duration: loginDuration });
      record(db, name, 'login', 'POST /auth/login', loginConnections, logins, logins.main, { ...extra, noRatio: true });
      const mixed = await run({
        request: { method: 'GET', path: '/api/users/me', headers: auth(customer) },
        alongside: { request: loginRequest(seed), connections: loginConnections, timeout: 30 },
      });
      const busy = record(db, name, 'me-busy', `GET /users/me + ${loginConnections} login conns`, connections, mixed, mixed.main, {
        ...extra,
        noRatio: true,
        idleP99: idleMe.p99,
        sideRequests: mixed.side.requests,
      });
      busy.p99VsIdle = idleMe.p99 ? Math.round((busy.p99 / idleMe.p99) * 100) / 100 : null;
      record(db, name, 'login-side', '  POST /auth/login (alongside)', loginConnections, { ...mixed, cpuUs: null, dbCpuUs: null }, mixed.side, { ...extra, noRatio: true, alongside: true });
      const final = await server.stats();
      if (final?.unexpectedErrors && Object.keys(final.unexpectedErrors).length > 0) {
        const aborted = 'Error: aborted' in final.unexpectedErrors;
        notes.push(
          `${name} on ${db}: unexpected errors reported through onError: ${Object.entries(final.unexpectedErrors).map(([k, v]) => `${k} ×${v}`).join('; ')}.` +
            (aborted ? ' ("aborted": autocannon cuts in-flight PUTs at the end of a window while their body is read; userkit reports a client abort as INTERNAL_ERROR through onError.)' : ''),
        );
      }
    }
  } finally {
    for (const server of servers) await server.stop();
  }
}

async function postgresTarget() {
  const created = await runSeed(['create-pg', baseUrl]);
  if (!created.ok) {
    notes.push(`PostgreSQL rows skipped: ${redact(baseUrl)} did not answer (${created.reason}).`);
    log(`PostgreSQL: skipped (${created.reason})`);
    return undefined;
  }
  return created;
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid DATABASE_URL)';
  }
}

function ratios() {
  const baselineOf = (row, server) => rows.find((r) => r.baseline && r.db === row.db && r.server === server);
  for (const row of rows) {
    if (row.baseline || row.noRatio) continue;
    const base = baselineOf(row, row.baselineServer);
    row.baselineReqPerSec = base?.reqPerSec ?? null;
    row.ratio = base?.reqPerSec ? Math.round((row.reqPerSec / base.reqPerSec) * 100) / 100 : null;
    if (row.narrowBaselineServer) {
      const narrow = baselineOf(row, row.narrowBaselineServer);
      row.narrowBaselineReqPerSec = narrow?.reqPerSec ?? null;
      row.narrowRatio = narrow?.reqPerSec ? Math.round((row.reqPerSec / narrow.reqPerSec) * 100) / 100 : null;
    }
  }
}

/** The performance targets, checked on PostgreSQL at BENCH_CONNECTIONS (32 by default); the login one on PGlite too. */
function targets() {
  const out = [];
  const find = (db, server, key) => rows.find((r) => r.db === db && r.server === server && r.key === key);
  const check = (target, measured, met, detail) => out.push({ target, measured, detail, met: measured == null ? null : met });
  const ms = (n) => `${fmt(n, 2)} ms`;
  const rps = (n) => `${fmt(n, 0)} req/s`;
  for (const server of ['userkit Hono', 'userkit Express']) {
    const get = find('postgres', server, 'get');
    if (!get) continue;
    const fw = `${server.replace('userkit ', '')} + PostgreSQL`;
    check(`${fw}: GET /users/{id} (admin) ≥ 0.5× the narrow raw baseline`, get.narrowRatio == null ? null : `${fmt(get.narrowRatio, 2)}×`, get.narrowRatio >= 0.5, `${rps(get.reqPerSec)} vs ${rps(get.narrowBaselineReqPerSec)}; ${fmt(get.ratio, 2)}× the wide one`);
    check(`${fw}: GET /users/{id} (admin) p99 ≤ 15 ms`, ms(get.p99), get.p99 <= 15);
    if (server === 'userkit Express') check(`${fw}: GET /users/{id} ≥ 0.8× raw Express (wide row)`, get.ratio == null ? null : `${fmt(get.ratio, 2)}×`, get.ratio >= 0.8);
    const common = find('postgres', server, 'list-common');
    const rare = find('postgres', server, 'list-rare');
    const plain = find('postgres', server, 'list');
    if (common) {
      check(`${fw}: list with the common term ≥ 1,400 req/s`, rps(common.reqPerSec), common.reqPerSec >= 1400);
      check(`${fw}: list with the common term p95 ≤ 30 ms`, ms(common.p95), common.p95 <= 30);
      if (rare) check(`${fw}: list with the rare term faster than with the common term`, `${fmt(rare.reqPerSec)} req/s`, rare.reqPerSec > common.reqPerSec, `common: ${fmt(common.reqPerSec)} req/s`);
      if (plain) check(`${fw}: plain list faster than with the common term`, `${fmt(plain.reqPerSec)} req/s`, plain.reqPerSec > common.reqPerSec, `common: ${fmt(common.reqPerSec)} req/s`);
    }
    const distinct = find('postgres', server, 'put-distinct');
    if (distinct) check(`${fw}: PUT /users/{id} to distinct users ≥ 2,000 req/s`, rps(distinct.reqPerSec), distinct.reqPerSec >= 2000 && distinct.failed === 0, distinct.failed > 0 ? `${distinct.failed} non-2xx: ${JSON.stringify(distinct.statuses)}` : undefined);
    const hot = find('postgres', server, 'put-hot');
    if (hot) {
      const other = Object.entries(hot.statuses).filter(([code]) => code !== '200' && code !== '412').reduce((s, [, n]) => s + n, 0) + hot.errors;
      check(`${fw}: PUT /users/{id} to one hot user answers only 200 or 412`, `${other} other`, other === 0, `statuses ${JSON.stringify(hot.statuses)}, ${hot.errors} errors`);
    }
  }
  for (const db of ['postgres', 'pglite']) {
    for (const server of ['userkit Hono', 'userkit Express']) {
      const busy = find(db, server, 'me-busy');
      if (!busy) continue;
      check(
        `${server.replace('userkit ', '')} + ${db === 'postgres' ? 'PostgreSQL' : 'PGlite'}: GET /users/me p99 with ${loginConnections} login conns ≤ 2× idle`,
        busy.p99VsIdle == null ? null : `${fmt(busy.p99VsIdle, 2)}×`,
        busy.p99VsIdle <= 2,
        `${ms(busy.p99)} vs ${ms(busy.idleP99)} idle`,
      );
    }
  }
  return out;
}

function pgVersionOf(created) {
  return created?.version ? `PostgreSQL ${created.version}` : 'not reachable';
}

const pct = (n, of) => (of ? `${fmt((n / of) * 100, n / of < 0.001 ? 3 : 2)}%` : '—');

function markdown(result) {
  const dbName = { postgres: 'PostgreSQL', pglite: 'PGlite' };
  const s = result.seed;
  const lines = [
    sectionTitle,
    '',
    'Written by `npm run bench` (bench/http/run.mjs); the method is described at the top of this file, the raw numbers are in [bench/results/http-latest.json](../bench/results/http-latest.json).',
    '',
    `Run: ${result.date} · ${result.machine.nproc} cores (${result.machine.cpu}) · Node ${result.machine.node} · ${result.machine.postgres} · PGlite ${result.machine.pglite}`,
    '',
    `- Data: ${s.users} users (${s.generated} generated, ${s.customers} of them customers the reads and writes go to; 1 admin, 1 customer for /users/me, ${s.loginUsers} login users), seeded in ${fmt(s.seconds, 1)} s. Search terms: common "${s.search?.common.q}" matches ${s.search?.common.matches} rows (${pct(s.search?.common.matches, s.users)}), rare "${s.search?.rare.q}" ${s.search?.rare.matches} (${pct(s.search?.rare.matches, s.users)}).`,
    `- Windows: ${result.config.warmupSeconds} s warm-up, then ${result.config.durationSeconds} s measured (logins alone: ${result.config.loginDurationSeconds} s); GET /users/{id} in ${result.config.rounds} alternating rounds after ${result.config.serverWarmupSeconds} s of warm-up load per server; ${result.config.connections} keep-alive connections unless the row says otherwise.`,
    `- CPU calibration: ${result.machine.calibrationMs} ms for a fixed JS loop (best of 3; it rises on a slower or contended CPU).`,
    `- Load average (1/5/15 min) at start: ${result.machine.loadAverageStart.join(' / ')}; at end: ${result.machine.loadAverageEnd.join(' / ')}` +
      (result.machine.loadAverageStart[0] > result.machine.nproc || result.machine.loadAverageEnd[0] > result.machine.nproc
        ? ' — **the machine was shared with other work while this ran: absolute numbers are low and noisy; the ratios and CPU per request hold up better.**'
        : ''),
    `- Password hasher of the userkit servers: ${result.machine.hasher ?? 'n/a'}.`,
    `- PostgreSQL CPU: ${result.machine.dbCpu}.`,
    '',
    '### Results',
    '',
    '| Database | Server | Scenario | Conns | req/s | p50 ms | p95 ms | p99 ms | vs wide / narrow baseline | server CPU µs/req | DB CPU µs/req (share) | load avg |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of result.rows) {
    const ratio = r.baseline
      ? `baseline (${r.columns})`
      : r.p99VsIdle != null
        ? `p99 ${fmt(r.p99VsIdle, 2)}× idle`
        : r.ratio == null
          ? '—'
          : `${fmt(r.ratio, 2)}×${r.narrowRatio != null ? ` / ${fmt(r.narrowRatio, 2)}×` : ''}`;
    const statuses = r.key === 'put-hot' ? ` (${Object.entries(r.statuses).map(([code, n]) => `${n} × ${code}`).join(', ')}${r.errors ? `, ${r.errors} errors` : ''})` : '';
    const failed = r.key !== 'put-hot' && r.failed > 0 ? ` (${r.failed} failed)` : r.requests === 0 ? ' (none finished in the window)' : '';
    const cpu = r.alongside ? '(shared)' : fmt(r.serverCpuPerReqUs, 0);
    const dbCpu = r.alongside || r.dbCpuPerReqUs == null ? (r.db === 'pglite' ? 'in server' : '—') : `${fmt(r.dbCpuPerReqUs, 0)} (${fmt(r.dbCpuShare * 100, 0)}%)`;
    const scenario = r.alongside ? `↳ ${r.scenario.trim()}` : r.scenario;
    lines.push(
      `| ${dbName[r.db]} | ${r.server} | ${scenario}${statuses}${failed} | ${r.connections} | ${fmt(r.reqPerSec)} | ${fmt(r.p50, 2)} | ${fmt(r.p95, 2)} | ${fmt(r.p99, 2)} | ${ratio} | ${cpu} | ${dbCpu} | ${fmt(r.loadAvg1, 2)} |`,
    );
  }
  lines.push('', `### Targets (${result.config.connections} connections, this ${result.machine.nproc}-core machine)`, '', '| Target | Measured | Met |', '| --- | ---: | --- |');
  for (const t of result.targets) {
    lines.push(`| ${t.target} | ${t.measured == null ? 'not measured' : `${t.measured}${t.detail ? ` (${t.detail})` : ''}`} | ${t.met == null ? '—' : t.met ? 'MET' : '**UNMET**'} |`);
  }
  if (result.notes.length > 0) lines.push('', ...result.notes.map((n) => `- ${n}`));
  lines.push('', 'For steadier numbers run `BENCH_DURATION=10 BENCH_ROUNDS=3 npm run bench` on an otherwise idle machine. `node bench/http/profile.mjs` CPU-profiles the userkit GET path (see its header for options).', '');
  return lines.join('\n');
}

/** Replaces this bench's section of docs/benchmarks.md (up to the next `## `), keeping every other section. */
function writeDocs(section) {
  let text = existsSync(docsFile) ? readFileSync(docsFile, 'utf8') : '# Benchmarks\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === sectionTitle);
  if (start === -1) {
    text = `${text.replace(/\n*$/, '\n')}\n${section}`;
  } else {
    let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
    if (end === -1) end = lines.length;
    const after = lines.slice(end).join('\n');
    text = [...lines.slice(0, start), ...section.replace(/\n*$/, '').split('\n'), ...(end < lines.length ? ['', after] : [''])].join('\n');
  }
  writeFileSync(docsFile, text.replace(/\n*$/, '\n'));
}

/** Time of a fixed integer loop: a rough "how fast is this CPU right now". */
function calibrate() {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const t = process.hrtime.bigint();
    let x = 0;
    for (let i = 0; i < 3e7; i++) x = (x + i * 7) | 0;
    if (x === 42) log('');
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return Math.round(best);
}

let calibrationMs;

async function main() {
  const deadline = Date.now();
  calibrationMs = calibrate();
  log(`userkit HTTP bench — ${availableParallelism()} cores, Node ${process.versions.node}, load average ${loadStart.join(' / ')}, CPU calibration ${calibrationMs} ms`);
  log(`${warmup} s warm-up + ${duration} s per scenario, ${connections} connections (logins: ${loginConnections})`);
  log('building the bench servers from source (tsup)…');
  await buildServers();

  let pgCreated;
  let pgliteDir;
  let seedInfo;
  let dbCpu;
  try {
    if (wanted('postgres')) {
      pgCreated = await postgresTarget();
      if (pgCreated) {
        const seed = await runSeed(['seed', '--url', pgCreated.url, '--users', String(seededUsers)]);
        if (!seed.ok) throw new Error(`bench: seeding PostgreSQL failed: ${seed.reason}`);
        seedInfo = seed;
        log(`\nPostgreSQL ${pgCreated.version} — database ${pgCreated.name}, seeded ${seed.users} users in ${seed.seconds} s; ${searchLine(seed)}`);
        const target = ['--url', pgCreated.url];
        const narrow = 'raw node:http (narrow)';
        const plan = [
          { kind: 'raw', name: 'raw node:http', columns: 'wide', family: 'hono', script: 'raw-server.js', args: ['--server', 'http', '--db', 'postgres', '--columns', 'wide', ...target] },
          { kind: 'raw', name: narrow, columns: 'narrow', family: 'any', script: 'raw-server.js', args: ['--server', 'http', '--db', 'postgres', '--columns', 'narrow', ...target] },
          { kind: 'userkit', name: 'userkit Hono', family: 'hono', baselineName: 'raw node:http', narrowBaselineName: narrow, script: 'userkit-server.js', args: ['--framework', 'hono', '--db', 'postgres', '--hasher', hasherMode, ...target] },
          { kind: 'raw', name: 'raw Express', columns: 'wide', family: 'express', script: 'raw-server.js', args: ['--server', 'express', '--db', 'postgres', '--columns', 'wide', ...target] },
          { kind: 'userkit', name: 'userkit Express', family: 'express', baselineName: 'raw Express', narrowBaselineName: narrow, script: 'userkit-server.js', args: ['--framework', 'express', '--db', 'postgres', '--hasher', hasherMode, ...target] },
        ].filter((e) => e.family === 'any' || wanted('postgres', e.family));
        dbCpu = await openDbCpu(pgCreated.url);
        try {
          await benchDatabase('postgres', plan, seed, dbCpu);
        } finally {
          await dbCpu.close();
        }
      }
    }
    if (wanted('pglite')) {
      pgliteDir = mkdtempSync(join(tmpdir(), 'userkit-bench-pglite-'));
      const seeded = join(pgliteDir, 'seeded');
      const seed = await runSeed(['seed', '--data-dir', seeded, '--users', String(seededUsers)]);
      if (!seed.ok) throw new Error(`bench: seeding PGlite failed: ${seed.reason}`);
      seedInfo ??= seed;
      log(`\nPGlite (data directories under ${pgliteDir}) — seeded ${seed.users} users in ${seed.seconds} s; ${searchLine(seed)}`);
      // One PGlite process per data directory: each server gets its own copy of the seeded one.
      const copy = (name) => {
        const dir = join(pgliteDir, name);
        cpSync(seeded, dir, { recursive: true });
        return ['--data-dir', dir];
      };
      const plan = [
        { kind: 'raw', name: 'raw node:http', columns: 'wide', family: 'any', script: 'raw-server.js', args: ['--server', 'http', '--db', 'pglite', '--columns', 'wide', ...copy('raw')] },
        { kind: 'userkit', name: 'userkit Hono', family: 'hono', baselineName: 'raw node:http', script: 'userkit-server.js', args: ['--framework', 'hono', '--db', 'pglite', '--hasher', hasherMode, ...copy('hono')] },
        { kind: 'userkit', name: 'userkit Express', family: 'express', baselineName: 'raw node:http', script: 'userkit-server.js', args: ['--framework', 'express', '--db', 'pglite', '--hasher', hasherMode, ...copy('express')] },
      ].filter((e) => e.family === 'any' || wanted('pglite', e.family));
      await benchDatabase('pglite', plan, seed);
    }
  } finally {
    if (pgCreated) {
      const dropped = await runSeed(['drop-pg', baseUrl, pgCreated.name]).catch((error) => ({ ok: false, reason: error.message }));
      if (!dropped.ok) log(`could not drop ${pgCreated.name}: ${dropped.reason}`);
    }
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  }

  ratios();
  const result = {
    date: started.toISOString(),
    durationSecondsTotal: Math.round((Date.now() - deadline) / 1000),
    machine: {
      nproc: availableParallelism(),
      cpu: cpus()[0]?.model?.trim() ?? 'unknown',
      node: process.versions.node,
      postgres: pgVersionOf(pgCreated),
      pglite: pgliteVersion(),
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg().map((n) => Math.round(n * 100) / 100),
      hasher: hasherLabel,
      calibrationMs,
      dbCpu: !dbCpu
        ? 'not measured'
        : dbCpu.local
          ? 'the backends serving the bench database (pg_stat_activity pids), utime + stime from /proc over each measured window; "share" is their part of server + backends'
          : 'not readable (the server is not on this machine)',
    },
    config: { durationSeconds: duration, warmupSeconds: warmup, serverWarmupSeconds: serverWarmup, rounds, loginDurationSeconds: loginDuration, connections, loginConnections, hasherMode, only },
    seed: {
      users: seedInfo?.users,
      generated: seededUsers,
      customers: seedInfo?.customerIds?.length,
      loginUsers: seedInfo?.loginEmails?.length,
      search: seedInfo?.search,
      seconds: seedInfo?.seconds,
    },
    rows,
    targets: [],
    notes,
  };
  if (!pgCreated && wanted('postgres')) notes.push('No PostgreSQL targets could be checked.');
  result.targets = targets();

  mkdirSync(resultsDir, { recursive: true });
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const trial = env.BENCH_NO_DOCS === '1';
  if (!trial) writeFileSync(join(resultsDir, 'http-latest.json'), json);
  mkdirSync(join(here, '.history'), { recursive: true });
  const historyFile = join(here, '.history', `http-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(historyFile, json);
  if (!trial) writeDocs(markdown(result));

  log('');
  printTable(result);
  log(`\nload average at end: ${result.machine.loadAverageEnd.join(' / ')} (start ${loadStart.join(' / ')}); ${result.durationSecondsTotal} s in all`);
  log(trial ? `trial run (BENCH_NO_DOCS=1): wrote ${historyFile} only` : 'wrote bench/results/http-latest.json and docs/benchmarks.md');
}

function searchLine(seed) {
  const { common, rare } = seed.search;
  return `search "${common.q}" matches ${common.matches} (${pct(common.matches, seed.users)}), "${rare.q}" ${rare.matches} (${pct(rare.matches, seed.users)})`;
}

function pgliteVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function printTable(result) {
  const header = ['db', 'server', 'scenario', 'conns', 'req/s', 'p50', 'p95', 'p99', 'vs wide/narrow', 'cpu µs/req', 'db µs/req', 'db share'];
  const body = result.rows.map((r) => [
    r.db,
    r.server,
    r.scenario,
    String(r.connections),
    fmt(r.reqPerSec),
    fmt(r.p50, 2),
    fmt(r.p95, 2),
    fmt(r.p99, 2),
    r.baseline ? `base (${r.columns})` : r.p99VsIdle != null ? `p99 ${fmt(r.p99VsIdle, 2)}x idle` : r.ratio == null ? '' : `${fmt(r.ratio, 2)}x${r.narrowRatio != null ? ` / ${fmt(r.narrowRatio, 2)}x` : ''}`,
    r.alongside ? '' : fmt(r.serverCpuPerReqUs, 0),
    r.alongside || r.dbCpuPerReqUs == null ? '' : fmt(r.dbCpuPerReqUs, 0),
    r.alongside || r.dbCpuShare == null ? '' : `${fmt(r.dbCpuShare * 100, 0)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) log(line(b));
  for (const r of result.rows.filter((x) => x.key === 'put-hot')) log(`hot-user PUT statuses, ${r.server} on ${r.db}: ${JSON.stringify(r.statuses)}, ${r.errors} errors, ${r.timeouts} timeouts`);
  log('');
  for (const t of result.targets) {
    const measured = t.measured == null ? 'not measured' : `${t.measured}${t.detail ? ` (${t.detail})` : ''}`;
    log(`${t.met == null ? '  -  ' : t.met ? ' MET ' : 'UNMET'}  ${t.target}: ${measured}`);
  }
  for (const n of result.notes) log(`note: ${n}`);
}

const renderIndex = process.argv.indexOf('--render');
if (renderIndex !== -1) {
  process.stdout.write(markdown(JSON.parse(readFileSync(process.argv[renderIndex + 1] ?? join(resultsDir, 'http-latest.json'), 'utf8'))));
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
