/**
 * Interleaved A/B of two checkouts on one machine: both userkit servers run at once, each over its
 * own seeded PostgreSQL database, and the load alternates between them in short slices (A B B A,
 * repeated), so a drift in the machine's speed falls on both alike. run.mjs measures one checkout
 * at a time, and on a machine whose speed moves by ±30% from one minute to the next its
 * before/after pairs cannot show a 10% change; this can.
 *
 *   AB_OTHER=/path/to/other/checkout AB_OTHER_URL=postgres://…/db_a PROFILE_SEEDED_URL=postgres://…/db_b \
 *     AB_SCENARIOS=me,get AB_SLICES=12 AB_SLICE_SECONDS=2 node bench/http/ab.mjs
 *
 * A is the other checkout (its own `bench/http`, built there first: same bench sources, its own
 * packages), B this one. Each database must have been filled by that checkout's `seed` (see
 * profile.mjs); it is only read and written through the servers. Prints, per scenario, each
 * side's req/s, server CPU and PostgreSQL backend CPU per request over all its slices, and B/A:
 * the ratio of the totals and the median of the per-pair ratios.
 */
import { join } from 'node:path';
import * as here from './lib.mjs';

const env = process.env;
if (!env.AB_OTHER || !env.AB_OTHER_URL || !env.PROFILE_SEEDED_URL) throw new Error('AB_OTHER, AB_OTHER_URL and PROFILE_SEEDED_URL are required');
const scenarios = (env.AB_SCENARIOS ?? 'me,get').split(',');
const slices = Number(env.AB_SLICES ?? 12);
const sliceSeconds = Number(env.AB_SLICE_SECONDS ?? 2);
const connections = Number(env.BENCH_CONNECTIONS ?? 32);
const other = await import(join(env.AB_OTHER, 'bench', 'http', 'lib.mjs'));

async function side(lib, url) {
  const seed = await lib.runSeed(['seed', '--url', url, '--describe']);
  if (!seed.ok) throw new Error(`reading the seed of ${url} failed: ${seed.reason}`);
  const server = await lib.startServer('userkit-server.js', ['--framework', env.PROFILE_FRAMEWORK ?? 'hono', '--db', 'postgres', '--url', url]);
  const admin = { authorization: `Bearer ${await lib.login(server.port, seed.admin.email, seed.password)}` };
  const me = { authorization: `Bearer ${await lib.login(server.port, seed.customer.email, seed.password)}` };
  return { server, requests: lib.scenarioRequests({ seed, admin, me }), db: await here.openDbCpu(url) };
}

async function slice(s, name, duration) {
  const [before, dbBefore] = [await s.server.stats(), await s.db.sample()];
  const r = await here.load({ port: s.server.port, connections, duration, request: s.requests[name] });
  const [after, dbAfter] = [await s.server.stats(), await s.db.sample()];
  return {
    requests: r.requests,
    reqPerSec: r.reqPerSec,
    cpuUs: after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system,
    dbCpuUs: here.cpuSince(dbBefore, dbAfter) ?? NaN,
    bad: Object.keys(r.statuses).some((code) => code >= '300'),
  };
}

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
};

const a = await side(other, env.AB_OTHER_URL);
const b = await side(here, env.PROFILE_SEEDED_URL);
try {
  console.log(`A/B: ${slices} slices of ${sliceSeconds} s per side and scenario, ${connections} connections; A = ${env.AB_OTHER}, B = this checkout`);
  for (const name of scenarios) {
    for (const s of [a, b]) await slice(s, name, 1); // warm-up
    const totals = { a: { requests: 0, seconds: 0, cpuUs: 0, dbCpuUs: 0 }, b: { requests: 0, seconds: 0, cpuUs: 0, dbCpuUs: 0 } };
    const ratios = [];
    for (let i = 0; i < slices; i++) {
      const order = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
      const got = {};
      for (const key of order) {
        const result = await slice(key === 'a' ? a : b, name, sliceSeconds);
        if (result.bad) throw new Error(`${key.toUpperCase()} answered an error status for ${name}`);
        got[key] = result;
        totals[key].requests += result.requests;
        totals[key].seconds += sliceSeconds;
        totals[key].cpuUs += result.cpuUs;
        totals[key].dbCpuUs += result.dbCpuUs;
      }
      ratios.push(got.b.reqPerSec / got.a.reqPerSec);
    }
    const rate = (t) => t.requests / t.seconds;
    const cpu = (t) => t.cpuUs / t.requests;
    const db = (t) => t.dbCpuUs / t.requests;
    const side = (t) => `${rate(t).toFixed(0).padStart(6)} req/s, CPU ${cpu(t).toFixed(0).padStart(5)} + db ${db(t).toFixed(0).padStart(5)} µs/req`;
    console.log(
      `${name.padEnd(12)} A ${side(totals.a)}   B ${side(totals.b)}   ` +
        `B/A ${(rate(totals.b) / rate(totals.a)).toFixed(2)}× (median of pairs ${median(ratios).toFixed(2)}×, range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); CPU B/A ${(cpu(totals.b) / cpu(totals.a)).toFixed(2)}×`,
    );
  }
} finally {
  await Promise.all([a.server.stop(), b.server.stop(), a.db.close(), b.db.close()]);
}
