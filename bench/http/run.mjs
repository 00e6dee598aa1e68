/**
 * `npm run bench`: userkit's HTTP API on Hono and Express, over PostgreSQL and PGlite, beside raw
 * baselines measured in the same run. Loopback only; every server runs in its own process, the
 * load generator (autocannon) in this one.
 *
 * Environment:
 *   DATABASE_URL             PostgreSQL server to create the bench database on
 *                            (default postgres://postgres@127.0.0.1:5432/postgres; PostgreSQL rows are
 *                            skipped with a note when it does not answer)
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
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServers, combine, here, load, login, pick, root, runSeed, startServer } from './lib.mjs';

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

/** Server CPU (all threads) and event-loop delay around `work`. */
async function withServerStats(server, work) {
  const before = await server.stats();
  const value = await work();
  const after = await server.stats();
  const cpuUs = before && after ? after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system : null;
  return { value, cpuUs, eventLoopDelay: after?.eventLoopDelay ?? null, unexpectedErrors: after?.unexpectedErrors };
}

/**
 * One scenario window: warm-up, then `duration` seconds measured. With `alongside`, a second load
 * (the logins) starts before the warm-up and runs through the whole window.
 */
async function measure(server, spec) {
  const opts = { port: server.port, connections: spec.connections ?? connections, request: spec.request, timeout: spec.timeout ?? 10 };
  const span = spec.duration ?? duration;
  const side = spec.alongside ? load({ port: server.port, ...spec.alongside, duration: warmup + span + 0.5 }) : undefined;
  if (warmup > 0) await load({ ...opts, duration: warmup });
  const loadAvg = load1();
  const { value: main, cpuUs, eventLoopDelay } = await withServerStats(server, () => load({ ...opts, duration: span }));
  return { main, side: side && (await side), loadAvg, cpuUs, eventLoopDelay };
}

/** Several windows of one scenario taken as one row. */
function merge(windows) {
  const main = combine(windows.map((w) => w.main));
  const cpuUs = windows.every((w) => w.cpuUs !== null) ? windows.reduce((s, w) => s + w.cpuUs, 0) : null;
  const delays = windows.map((w) => w.eventLoopDelay).filter(Boolean);
  return {
    main,
    loadAvg: Math.round((windows.reduce((s, w) => s + w.loadAvg, 0) / windows.length) * 100) / 100,
    cpuUs,
    eventLoopDelay: delays.length ? { p50: Math.max(...delays.map((d) => d.p50)), p99: Math.max(...delays.map((d) => d.p99)), max: Math.max(...delays.map((d) => d.max)) } : null,
  };
}

function record(db, server, scenario, connectionsUsed, m, stats, extra = {}) {
  const failed = stats.requests - stats.ok;
  const served = stats.requests + (extra.sideRequests ?? 0);
  const row = {
    db,
    server,
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
    eventLoopDelayMs: m.eventLoopDelay,
    loadAvg1: m.loadAvg,
    ...extra,
  };
  delete row.sideRequests;
  rows.push(row);
  const bad = failed > 0 || stats.errors > 0 ? `  !! ${failed} non-2xx ${JSON.stringify(stats.statuses)}, ${stats.errors} errors, ${stats.timeouts} timeouts` : '';
  log(
    `  ${server.padEnd(16)} ${scenario.padEnd(36)} ${fmt(stats.reqPerSec).padStart(8)} req/s  p50 ${fmt(stats.p50, 2).padStart(7)}  p95 ${fmt(stats.p95, 2).padStart(7)}  p99 ${fmt(stats.p99, 2).padStart(7)} ms  cpu ${fmt(row.serverCpuPerReqUs, 0).padStart(6)} µs/req  loop p99 ${fmt(m.eventLoopDelay?.p99, 1)} ms  load ${m.loadAvg}${bad}`,
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

/**
 * Everything on one database: all its servers run at once (idle unless driven), so the GET
 * comparison can alternate baseline and userkit windows (ABAB…) and drift on a shared machine
 * hits both alike. Then each userkit server runs its other scenarios.
 */
async function benchDatabase(db, plan, seed) {
  const servers = [];
  try {
    for (const entry of plan) {
      entry.server = await startServer(entry.script, entry.args);
      servers.push(entry.server);
      if (entry.kind === 'userkit') {
        hasherLabel ??= entry.server.info.hasher;
        entry.admin = await login(entry.server.port, seed.admin.email, seed.password);
        entry.customer = await login(entry.server.port, seed.customer.email, seed.password);
      }
      entry.get = entry.kind === 'userkit' ? getById(seed.customerIds, entry.admin) : getById(seed.customerIds, undefined, '');
    }
    // JIT (and PGlite's WebAssembly) warm-up before anything is measured.
    for (const entry of plan) if (serverWarmup > 0) await load({ port: entry.server.port, connections, duration: serverWarmup, request: entry.get });

    const windows = new Map(plan.map((e) => [e, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const entry of plan) windows.get(entry).push(await measure(entry.server, { request: entry.get }));
    }
    for (const entry of plan) {
      const m = merge(windows.get(entry));
      if (entry.kind === 'raw') record(db, entry.name, 'GET /users/{id} (baseline)', connections, m, m.main, { baseline: true });
      else entry.idleRow = record(db, entry.name, 'GET /users/{id} (admin)', connections, m, m.main, { baselineServer: entry.baselineName });
    }

    for (const entry of plan.filter((e) => e.kind === 'userkit')) {
      const { server, name, admin, customer } = entry;
      const extra = { baselineServer: entry.baselineName };
      const auth = (token) => ({ authorization: `Bearer ${token}` });
      const me = await measure(server, { request: { method: 'GET', path: '/api/users/me', headers: auth(customer) } });
      record(db, name, 'GET /users/me', connections, me, me.main, extra);
      let n = 0;
      const put = await measure(server, {
        request: {
          method: 'PUT',
          path: `/api/users/${seed.customerIds[0]}`,
          headers: { ...auth(admin), 'content-type': 'application/json' },
          body: '{}',
          setupRequest: (req) => ({ ...req, path: `/api/users/${pick(seed.customerIds)}`, body: JSON.stringify({ notes: `bench note ${n++}` }) }),
        },
      });
      record(db, name, 'PUT /users/{id} (admin)', connections, put, put.main, extra);
      const list = await measure(server, {
        request: {
          method: 'GET',
          path: '/api/users?q=user%2010&limit=20',
          headers: auth(admin),
          setupRequest: (req) => ({ ...req, path: `/api/users?q=${encodeURIComponent(`user ${10 + Math.floor(Math.random() * 90)}`)}&limit=20` }),
        },
      });
      record(db, name, 'GET /users?q=…&limit=20 (admin)', connections, list, list.main, extra);
      const logins = await measure(server, { request: loginRequest(seed), connections: loginConnections, timeout: 30, duration: loginDuration });
      record(db, name, 'POST /auth/login', loginConnections, logins, logins.main, { ...extra, noRatio: true });
      const mixed = await measure(server, {
        request: entry.get,
        alongside: { request: loginRequest(seed), connections: loginConnections, timeout: 30 },
      });
      const busy = record(db, name, `GET /users/{id} + ${loginConnections} login conns`, connections, mixed, mixed.main, {
        ...extra,
        noRatio: true,
        idleP99: entry.idleRow.p99,
        sideRequests: mixed.side.requests,
      });
      busy.p99VsIdle = entry.idleRow.p99 ? Math.round((busy.p99 / entry.idleRow.p99) * 100) / 100 : null;
      record(db, name, '  POST /auth/login (alongside)', loginConnections, { ...mixed, cpuUs: null }, mixed.side, { ...extra, noRatio: true, alongside: true });
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
  for (const row of rows) {
    if (row.baseline || row.noRatio) continue;
    const base = rows.find((r) => r.baseline && r.db === row.db && r.server === row.baselineServer);
    row.baselineReqPerSec = base?.reqPerSec ?? null;
    row.ratio = base?.reqPerSec ? Math.round((row.reqPerSec / base.reqPerSec) * 100) / 100 : null;
  }
}

function targets() {
  const find = (db, server, scenario) => rows.find((r) => r.db === db && r.server === server && r.scenario === scenario);
  const out = [];
  const hono = find('postgres', 'userkit Hono', 'GET /users/{id} (admin)');
  const express = find('postgres', 'userkit Express', 'GET /users/{id} (admin)');
  out.push({ target: 'Hono + PostgreSQL GET /users/{id} ≥ 0.5× raw node:http + pg', measured: hono?.ratio, unit: '×', threshold: 0.5, met: hono?.ratio == null ? null : hono.ratio >= 0.5 });
  const rawHttp = find('postgres', 'raw node:http', 'GET /users/{id} (baseline)');
  out.push({
    target: 'Hono + PostgreSQL GET /users/{id} p99 ≤ 15 ms',
    measured: hono?.p99,
    detail: rawHttp ? `raw node:http: ${fmt(rawHttp.p99, 2)} ms` : undefined,
    unit: 'ms',
    threshold: 15,
    met: hono?.p99 == null ? null : hono.p99 <= 15,
  });
  out.push({ target: 'Express + PostgreSQL GET /users/{id} ≥ 0.8× raw Express + pg', measured: express?.ratio, unit: '×', threshold: 0.8, met: express?.ratio == null ? null : express.ratio >= 0.8 });
  for (const db of ['postgres', 'pglite']) {
    for (const server of ['userkit Hono', 'userkit Express']) {
      const busy = rows.find((r) => r.db === db && r.server === server && r.idleP99 !== undefined);
      if (!busy && db === 'pglite') continue;
      out.push({
        target: `${server.replace('userkit ', '')} + ${db === 'postgres' ? 'PostgreSQL' : 'PGlite'}: GET p99 with ${loginConnections} login conns ≤ 2× idle p99`,
        measured: busy?.p99VsIdle,
        detail: busy ? `${fmt(busy.p99, 2)} ms vs ${fmt(busy.idleP99, 2)} ms idle` : undefined,
        unit: '×',
        threshold: 2,
        met: busy?.p99VsIdle == null ? null : busy.p99VsIdle <= 2,
      });
    }
  }
  return out;
}

function pgVersionOf(created) {
  return created?.version ? `PostgreSQL ${created.version}` : 'not reachable';
}

function markdown(result) {
  const dbName = { postgres: 'PostgreSQL', pglite: 'PGlite' };
  const lines = [
    sectionTitle,
    '',
    'Written by `npm run bench` (bench/http/run.mjs); the raw numbers are in [bench/results/http-latest.json](../bench/results/http-latest.json).',
    '',
    '- Loopback only. Each server runs in its own process (bundled from source with tsup, like `npm start`); autocannon drives it from the parent process.',
    `- Per database, all servers start together and idle unless driven. After ${result.config.serverWarmupSeconds} s of warm-up load on each, the GET /users/{id} comparison alternates baseline and userkit windows (${result.config.rounds} rounds), so drift on a shared machine hits both alike; the other scenarios run once per userkit server.`,
    `- Every window: ${result.config.warmupSeconds} s warm-up, then ${result.config.durationSeconds} s measured (logins alone: ${result.config.loginDurationSeconds} s), ${result.config.connections} keep-alive connections unless the row says otherwise. Latencies are per response, in ms.`,
    '- Baselines (same run, same seeded data, no auth): node:http or plain Express 5 with a pg Pool running `select <public columns> from users where id = $1` and answering its JSON; on PGlite, node:http over its own PGlite copy of the data.',
    '- "vs baseline" is req/s over the baseline\'s req/s on the same database (Hono → node:http, Express → raw Express; on PGlite both → node:http). For PUT and the list it only shows how far each sits from a bare one-row read.',
    `- "GET + ${result.config.loginConnections} login conns": the GET load while ${result.config.loginConnections} connections log in (POST /auth/login, bcrypt cost 12) for the whole window; its p99 is compared with the idle GET row. The login row under it is that login load.`,
    '- Server CPU µs/req: the server process\'s user+system CPU (all threads, so bcrypt workers count) over the requests answered in the window; PostgreSQL\'s own CPU is not in it, PGlite\'s is. It moves less than req/s on a shared machine. Loop p99: the server\'s event-loop delay p99.',
    '',
    `Run: ${result.date} · ${result.machine.nproc} cores (${result.machine.cpu}) · Node ${result.machine.node} · ${result.machine.postgres} · PGlite ${result.machine.pglite}`,
    '',
    `- CPU calibration: ${result.machine.calibrationMs} ms for a fixed JS loop (best of 3; compare it between runs: it rises on a slower or contended CPU).`,
    `- Load average (1/5/15 min) at start: ${result.machine.loadAverageStart.join(' / ')}; at end: ${result.machine.loadAverageEnd.join(' / ')}` +
      (result.machine.loadAverageStart[0] > result.machine.nproc || result.machine.loadAverageEnd[0] > result.machine.nproc
        ? ' — **the machine was shared with other work while this ran: absolute numbers are low and noisy; the ratios and CPU per request hold up better.**'
        : ''),
    `- Password hasher of the userkit servers: ${result.machine.hasher ?? 'n/a'}.`,
    `- Seed: ${result.seed.users} users (${result.seed.customers} customers, 1 admin, ${result.seed.loginUsers} login users), one cost-12 bcrypt hash for all, inserted with the repository's insertMany.`,
    '',
    '### Results',
    '',
    '| Database | Server | Scenario | Conns | req/s | p50 ms | p95 ms | p99 ms | vs baseline | server CPU µs/req | loop p99 ms | load avg |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of result.rows) {
    const ratio = r.baseline ? 'baseline' : r.p99VsIdle != null ? `p99 ${fmt(r.p99VsIdle, 2)}× idle` : r.ratio == null ? '—' : `${fmt(r.ratio, 2)}×`;
    const failed = r.failed > 0 ? ` (${r.failed} failed)` : r.requests === 0 ? ' (none finished in the window)' : '';
    const cpu = r.alongside ? '(shared)' : fmt(r.serverCpuPerReqUs, 0);
    const scenario = r.alongside ? `↳ ${r.scenario.trim()}` : r.scenario;
    lines.push(
      `| ${dbName[r.db]} | ${r.server} | ${scenario}${failed} | ${r.connections} | ${fmt(r.reqPerSec)} | ${fmt(r.p50, 2)} | ${fmt(r.p95, 2)} | ${fmt(r.p99, 2)} | ${ratio} | ${cpu} | ${r.alongside ? '' : fmt(r.eventLoopDelayMs?.p99, 1)} | ${fmt(r.loadAvg1, 2)} |`,
    );
  }
  lines.push('', '### Targets (32 connections, this 2-core machine)', '', '| Target | Measured | Met |', '| --- | ---: | --- |');
  for (const t of result.targets) {
    const measured = t.measured == null ? 'not measured' : `${fmt(t.measured, 2)}${t.unit === 'ms' ? ' ms' : '×'}${t.detail ? ` (${t.detail})` : ''}`;
    lines.push(`| ${t.target} | ${measured} | ${t.met == null ? '—' : t.met ? 'yes' : '**no**'} |`);
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
  try {
    if (wanted('postgres')) {
      pgCreated = await postgresTarget();
      if (pgCreated) {
        const seed = await runSeed(['seed', '--url', pgCreated.url]);
        if (!seed.ok) throw new Error(`bench: seeding PostgreSQL failed: ${seed.reason}`);
        seedInfo = seed;
        log(`\nPostgreSQL ${pgCreated.version} — database ${pgCreated.name}, seeded ${seed.users} users in ${seed.seconds} s`);
        const target = ['--url', pgCreated.url];
        const plan = [
          { kind: 'raw', name: 'raw node:http', family: 'hono', script: 'raw-server.js', args: ['--server', 'http', '--db', 'postgres', ...target] },
          { kind: 'userkit', name: 'userkit Hono', family: 'hono', baselineName: 'raw node:http', script: 'userkit-server.js', args: ['--framework', 'hono', '--db', 'postgres', '--hasher', hasherMode, ...target] },
          { kind: 'raw', name: 'raw Express', family: 'express', script: 'raw-server.js', args: ['--server', 'express', '--db', 'postgres', ...target] },
          { kind: 'userkit', name: 'userkit Express', family: 'express', baselineName: 'raw Express', script: 'userkit-server.js', args: ['--framework', 'express', '--db', 'postgres', '--hasher', hasherMode, ...target] },
        ].filter((e) => wanted('postgres', e.family));
        await benchDatabase('postgres', plan, seed);
      }
    }
    if (wanted('pglite')) {
      pgliteDir = mkdtempSync(join(tmpdir(), 'userkit-bench-pglite-'));
      const seeded = join(pgliteDir, 'seeded');
      const seed = await runSeed(['seed', '--data-dir', seeded]);
      if (!seed.ok) throw new Error(`bench: seeding PGlite failed: ${seed.reason}`);
      seedInfo ??= seed;
      log(`\nPGlite (data directories under ${pgliteDir}) — seeded ${seed.users} users in ${seed.seconds} s`);
      // One PGlite process per data directory: each server gets its own copy of the seeded one.
      const copy = (name) => {
        const dir = join(pgliteDir, name);
        cpSync(seeded, dir, { recursive: true });
        return ['--data-dir', dir];
      };
      const plan = [
        { kind: 'raw', name: 'raw node:http', family: 'any', script: 'raw-server.js', args: ['--server', 'http', '--db', 'pglite', ...copy('raw')] },
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
    },
    config: { durationSeconds: duration, warmupSeconds: warmup, serverWarmupSeconds: serverWarmup, rounds, loginDurationSeconds: loginDuration, connections, loginConnections, hasherMode, only },
    seed: { users: seedInfo?.users, customers: seedInfo?.customerIds?.length, loginUsers: seedInfo?.loginEmails?.length },
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

function pgliteVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function printTable(result) {
  const header = ['db', 'server', 'scenario', 'conns', 'req/s', 'p50', 'p95', 'p99', 'vs base', 'cpu µs/req'];
  const body = result.rows.map((r) => [
    r.db,
    r.server,
    r.scenario,
    String(r.connections),
    fmt(r.reqPerSec),
    fmt(r.p50, 2),
    fmt(r.p95, 2),
    fmt(r.p99, 2),
    r.baseline ? 'base' : r.p99VsIdle != null ? `p99 ${fmt(r.p99VsIdle, 2)}x idle` : r.ratio == null ? '' : `${fmt(r.ratio, 2)}x`,
    r.alongside ? '' : fmt(r.serverCpuPerReqUs, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) log(line(b));
  log('');
  for (const t of result.targets) {
    const measured = t.measured == null ? 'not measured' : `${fmt(t.measured, 2)}${t.unit === 'ms' ? ' ms' : 'x'}${t.detail ? ` (${t.detail})` : ''}`;
    log(`${t.met == null ? '  -  ' : t.met ? ' MET ' : 'UNMET'}  ${t.target}: ${measured}`);
  }
  for (const n of result.notes) log(`note: ${n}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
