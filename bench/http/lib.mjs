/**
 * What run.mjs and profile.mjs share: bundling the bench servers from source, starting them in
 * their own processes, seeding, and driving load with autocannon.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearTimeout, setTimeout } from 'node:timers';
import autocannon from 'autocannon';
import pg from 'pg';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const buildDir = join(here, 'dist');

/**
 * Bundles the servers and the seed step with the @userkit packages from source (as
 * examples/server/tsup.config.ts does for `npm start`), so no package build is needed.
 */
export async function buildServers() {
  const { build } = await import('tsup');
  await build({
    config: false,
    entry: {
      seed: join(here, 'seed.ts'),
      'userkit-server': join(here, 'userkit-server.ts'),
      'raw-server': join(here, 'raw-server.ts'),
    },
    outDir: buildDir,
    // Fixed, whatever the current directory: .js (ESM through the root package.json) and this tsconfig.
    outExtension: () => ({ js: '.js' }),
    tsconfig: join(here, 'tsconfig.json'),
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    clean: true,
    sourcemap: true,
    silent: process.env.BENCH_BUILD_VERBOSE !== '1',
    skipNodeModulesBundle: true,
    noExternal: [/^@userkit\//],
    esbuildOptions(options) {
      options.conditions = ['@userkit/source'];
      options.logLevel = 'error';
    },
  });
  for (const name of ['seed', 'userkit-server', 'raw-server']) {
    if (!existsSync(join(buildDir, `${name}.js`))) throw new Error(`bench: the build did not produce ${name}.js`);
  }
}

/** Runs the seed script in `mode` and resolves to its result message. */
export function runSeed(args) {
  return new Promise((resolve, reject) => {
    const child = fork(join(buildDir, 'seed.js'), args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (message) => {
      if (message?.type === 'result') result = message;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`bench: seed ${args[0]} exited with ${code} and no result`));
    });
  });
}

/**
 * A server under test in its own process. Resolves once it listens.
 */
export function startServer(script, args, { execArgv = [], env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(join(buildDir, script), args, {
      cwd: root,
      execArgv: ['--enable-source-maps', ...execArgv],
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    /** Replies awaited, by message type, oldest first. */
    const pending = new Map();
    let exited = false;
    const exit = new Promise((res) => child.once('exit', () => res()));
    const call = (message, replyType) => {
      if (exited) return Promise.resolve(undefined);
      return new Promise((res) => {
        pending.set(replyType, [...(pending.get(replyType) ?? []), res]);
        child.send(message);
      });
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench: ${script} did not start within 120 s`));
    }, 120_000);
    child.on('message', (message) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        resolve({
          child,
          port: message.port,
          info: message,
          /** CPU time and event-loop delay since the last call. */
          stats: () => call({ type: 'stats' }, 'stats'),
          profileStart: (intervalUs = 200) => call({ type: 'profile-start', intervalUs }, 'profile-started'),
          profileStop: (file) => call({ type: 'profile-stop', file }, 'profile-stopped'),
          async stop() {
            if (exited) return;
            child.send({ type: 'stop' });
            const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            await exit;
            clearTimeout(killer);
          },
        });
      } else if (message?.type === 'error') {
        clearTimeout(timer);
        reject(new Error(`bench: ${script} failed to start: ${message.message}`));
      } else if (message?.type && pending.get(message.type)?.length) {
        pending.get(message.type).shift()(message);
      }
    });
    child.on('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      for (const list of pending.values()) for (const res of list.splice(0)) res(undefined);
      reject(new Error(`bench: ${script} exited (${signal ?? code}) before it was ready`));
    });
  });
}

/** POST /api/auth/login; resolves to the access token. */
export async function login(port, email, password) {
  const response = await globalThis.fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = await response.json();
  if (response.status !== 200 || typeof body?.access_token !== 'string') throw new Error(`bench: login of ${email} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

const round = (n, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

/**
 * Drives `connections` keep-alive connections at `port` for `duration` seconds with autocannon.
 * `request` is an autocannon request (method, path, headers, body, setupRequest). Latencies are
 * collected per response (ms, sub-millisecond) so p95 is exact.
 */
export async function load({ port, connections, duration, request, timeout = 10 }) {
  const latencies = [];
  const statuses = {};
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    timeout,
    requests: [request],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statuses).reduce((sum, [code, count]) => sum + (Number(code) < 300 ? count : 0), 0);
  return summary({ latencies, statuses, ok, seconds, errors: result.errors, timeouts: result.timeouts });
}

/** The stats of a window (or of windows taken together) from its sorted latencies and counts. */
function summary({ latencies, statuses, ok, seconds, errors, timeouts }) {
  return {
    requests: latencies.length,
    ok,
    seconds: round(seconds, 3),
    reqPerSec: round(ok / seconds, 1),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? NaN),
    statuses,
    errors,
    timeouts,
    latencies,
  };
}

/** Stats of several windows of the same scenario taken together (latencies merged). */
export function combine(windows) {
  const latencies = windows.flatMap((w) => w.latencies).sort((a, b) => a - b);
  const statuses = {};
  for (const w of windows) for (const [code, n] of Object.entries(w.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const ok = windows.reduce((s, w) => s + w.ok, 0);
  const seconds = windows.reduce((s, w) => s + w.seconds, 0);
  const errors = windows.reduce((s, w) => s + w.errors, 0);
  const timeouts = windows.reduce((s, w) => s + w.timeouts, 0);
  return { ...summary({ latencies, statuses, ok, seconds, errors, timeouts }), windows: windows.map((w) => w.reqPerSec) };
}

/** A random element of `items`. */
export const pick = (items) => items[Math.floor(Math.random() * items.length)];

/**
 * The requests of the quick looks (quick.mjs, profile.mjs), by scenario name: `get` (a random
 * generated customer), `me`, `list`, `list-common`, `list-rare` and `put` (one field of each
 * generated customer in turn). `admin` and `me` are the headers each is sent with; `prefix` is
 * where the API is mounted ('' for the raw baselines).
 */
export function scenarioRequests({ seed, prefix = '/api', admin = {}, me = {} }) {
  const ids = seed.customerIds;
  let written = 0;
  return {
    get: { method: 'GET', path: `${prefix}/users/${ids[0]}`, headers: admin, setupRequest: (req) => ({ ...req, path: `${prefix}/users/${pick(ids)}` }) },
    me: { method: 'GET', path: `${prefix}/users/me`, headers: me },
    list: { method: 'GET', path: `${prefix}/users?limit=20`, headers: admin },
    'list-common': { method: 'GET', path: `${prefix}/users?limit=20&q=${seed.search?.common.q}`, headers: admin },
    'list-rare': { method: 'GET', path: `${prefix}/users?limit=20&q=${seed.search?.rare.q}`, headers: admin },
    put: {
      method: 'PUT',
      path: `${prefix}/users/${ids[0]}`,
      headers: { ...admin, 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, path: `${prefix}/users/${ids[written % ids.length]}`, body: JSON.stringify({ city: `City ${written++}` }) }),
    },
  };
}

/** utime + stime of a local PostgreSQL process in µs (USER_HZ is 100 on Linux), or undefined. */
function postgresCpuUs(pid) {
  try {
    // A server in another PID namespace (a container) may share pids with unrelated local processes.
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') return undefined;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * The CPU of the PostgreSQL backends serving the bench database (pg_stat_activity pids, this
 * monitor's own backend left out), read from /proc. `sample()` answers null when the server is
 * not on this machine. Background processes (WAL writer, checkpointer) are not in it.
 */
export async function openDbCpu(url) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  let local = true;
  return {
    async sample() {
      if (!local) return null;
      const { rows } = await client.query('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      const out = new Map();
      for (const { pid } of rows) {
        const us = postgresCpuUs(pid);
        if (us !== undefined) out.set(pid, us);
      }
      if (rows.length > 0 && out.size === 0) local = false;
      return local ? out : null;
    },
    get local() {
      return local;
    },
    close: () => client.end().catch(() => {}),
  };
}

/** CPU µs the backends used between two samples (a backend that appeared counts from zero). */
export function cpuSince(before, after) {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, us] of after) total += us - (before.get(pid) ?? 0);
  return total;
}
