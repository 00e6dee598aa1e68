/**
 * A quick look while working on a hot path: one userkit server over an already seeded PostgreSQL
 * database (PROFILE_SEEDED_URL, as for profile.mjs), each scenario measured once, no docs written.
 *
 *   PROFILE_SEEDED_URL=postgres://…/db QUICK_SCENARIOS=get,me,list,list-common,list-rare,put node bench/http/quick.mjs
 *
 * QUICK_DURATION seconds per scenario (default 5), BENCH_CONNECTIONS (default 32), PROFILE_FRAMEWORK,
 * QUICK_LIST_TOTAL_CAP (the server's listTotalCap; default the service's, 1000).
 */
import { buildServers, load, login, runSeed, scenarioRequests, startServer } from './lib.mjs';

const env = process.env;
const url = env.PROFILE_SEEDED_URL;
if (!url) throw new Error('PROFILE_SEEDED_URL is required (a database `seed` filled)');
const duration = Number(env.QUICK_DURATION ?? 5);
const connections = Number(env.BENCH_CONNECTIONS ?? 32);
const scenarios = (env.QUICK_SCENARIOS ?? 'get,me,list,list-common,list-rare,put').split(',');
if (env.QUICK_NO_BUILD !== '1') await buildServers();
const seed = await runSeed(['seed', '--url', url, '--describe']);
const server = await startServer('userkit-server.js', [
  '--framework', env.PROFILE_FRAMEWORK ?? 'hono', '--db', 'postgres', '--url', url,
  ...(env.QUICK_LIST_TOTAL_CAP ? ['--list-total-cap', env.QUICK_LIST_TOTAL_CAP] : []),
]);
try {
  const admin = { authorization: `Bearer ${await login(server.port, seed.admin.email, seed.password)}` };
  const me = { authorization: `Bearer ${await login(server.port, seed.customer.email, seed.password)}` };
  const requests = scenarioRequests({ seed, admin, me });
  for (const name of scenarios) {
    await load({ port: server.port, connections, duration: 1, request: requests[name] });
    const before = await server.stats();
    const r = await load({ port: server.port, connections, duration, request: requests[name] });
    const after = await server.stats();
    const cpu = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / r.requests;
    console.log(`${name.padEnd(12)} ${String(Math.round(r.reqPerSec)).padStart(6)} req/s  p50 ${r.p50}  p95 ${r.p95}  p99 ${r.p99} ms  cpu ${Math.round(cpu)} µs/req  ${JSON.stringify(r.statuses)}`);
  }
} finally {
  await server.stop();
}
