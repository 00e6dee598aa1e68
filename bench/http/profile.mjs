/**
 * CPU-profiles one server under GET load and prints where its time goes.
 *
 *   node bench/http/profile.mjs
 *
 * Environment: PROFILE_SERVER userkit|raw (default userkit), PROFILE_FRAMEWORK hono|express
 * (default hono; for raw: http|express), PROFILE_DB postgres|pglite (default postgres),
 * PROFILE_SCENARIO get|me|list|list-common|list-rare|put (default get: GET /users/{id} as admin; put:
 * PUT /users/{id} of one field to distinct users in turn, as admin),
 * PROFILE_DURATION seconds (default 10), BENCH_CONNECTIONS (default 32), BENCH_USERS (default
 * 100000), DATABASE_URL as for run.mjs. PROFILE_SEEDED_URL profiles against a database an earlier
 * `seed` run filled (it is neither seeded nor dropped; the seed's JSON answer is read again).
 *
 * The profile covers only the measured window (the V8 profiler is started and stopped over IPC)
 * and is written to bench/http/.profiles/.
 */
import { mkdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServers, here, load, login, runSeed, scenarioRequests, startServer } from './lib.mjs';
import { summarize } from './summarize-profile.mjs';

const env = process.env;
const serverKind = env.PROFILE_SERVER ?? 'userkit';
const framework = env.PROFILE_FRAMEWORK ?? (serverKind === 'raw' ? 'http' : 'hono');
const db = env.PROFILE_DB ?? 'postgres';
const scenario = env.PROFILE_SCENARIO ?? 'get';
const duration = Number(env.PROFILE_DURATION ?? 10);
const connections = Number(env.BENCH_CONNECTIONS ?? 32);
const baseUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

await buildServers();
let created;
let dataDir;
let target;
if (env.PROFILE_SEEDED_URL) {
  target = ['--url', env.PROFILE_SEEDED_URL];
} else if (db === 'postgres') {
  created = await runSeed(['create-pg', baseUrl]);
  if (!created.ok) throw new Error(`PostgreSQL did not answer: ${created.reason}`);
  target = ['--url', created.url];
} else {
  dataDir = mkdtempSync(join(tmpdir(), 'userkit-profile-pglite-'));
  target = ['--data-dir', dataDir];
}
try {
  const seed = await runSeed(['seed', ...target, '--users', String(process.env.BENCH_USERS ?? 100_000), ...(env.PROFILE_SEEDED_URL ? ['--describe'] : [])]);
  if (!seed.ok) throw new Error(`seeding failed: ${seed.reason}`);
  const server =
    serverKind === 'raw'
      ? await startServer('raw-server.js', ['--server', framework, '--db', db, ...target])
      : await startServer('userkit-server.js', ['--framework', framework, '--db', db, ...target]);
  try {
    const prefix = serverKind === 'raw' ? '' : '/api';
    const token = serverKind === 'raw' ? undefined : await login(server.port, scenario === 'me' ? seed.customer.email : seed.admin.email, seed.password);
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    const request = scenarioRequests({ seed, prefix, admin: headers, me: headers })[scenario];
    if (!request) throw new Error(`unknown PROFILE_SCENARIO ${scenario}`);
    await load({ port: server.port, connections, duration: 3, request });
    const dir = join(here, '.profiles');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${serverKind}-${framework}-${db}-${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
    await server.profileStart(200);
    const before = await server.stats();
    const result = await load({ port: server.port, connections, duration, request });
    const after = await server.stats();
    const stopped = await server.profileStop(file);
    if (stopped?.error) throw new Error(stopped.error);
    const cpuUs = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
    console.log(`${serverKind} ${framework} on ${db}, ${scenario}: ${result.reqPerSec} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.requests} requests (${JSON.stringify(result.statuses)})`);
    console.log(`server process CPU (user+system, all threads): ${Math.round(cpuUs / result.requests)} µs per request\n`);
    console.log(summarize(file, { top: 40, requests: result.requests }));
  } finally {
    await server.stop();
  }
} finally {
  if (created?.ok) await runSeed(['drop-pg', baseUrl, created.name]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
