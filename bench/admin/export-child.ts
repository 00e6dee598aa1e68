/**
 * The export measurement, alone in its own process so its peak RSS is the export's: opens the
 * store, streams `service.exportUsers` (CSV, every live user) into /dev/null, and prints one
 * `RESULT {json}` line. The parent passes the store location in BENCH_ADMIN_EXPORT.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserService, type Actor, type Mailer, type PasswordHasher } from '@userkit/core/server';
import { createDatabase } from '@userkit/kysely';
import { sql } from 'kysely';
import { backendCpu, backendCpuSince, nodeCpuSeconds } from './cpu';
import type { StoreLocation } from './stores';

const location = JSON.parse(process.env.BENCH_ADMIN_EXPORT ?? 'null') as StoreLocation | null;
if (!location) throw new Error('BENCH_ADMIN_EXPORT is not set');

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
/** Peak resident set size so far (VmHWM), in bytes; resourceUsage().maxRSS where /proc is missing. */
function peakRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const silentMailer: Mailer = { send: async () => {} };
/** The export never hashes; this keeps the service's start-up dummy hash out of the timing. */
const noHasher: PasswordHasher = { hash: async () => '', verify: async () => false, needsRehash: () => false };
const actor: Actor = { id: 0, user_type: 'admin', is_super_admin: true };

const database = await createDatabase(location.kind === 'postgres' ? { url: location.url } : { pglite: { dataDir: location.dataDir } });
await database.checkMigrations();
const service = new UserService({ repository: database.repository, mailer: silentMailer, hasher: noHasher });
const rssBeforeExport = process.memoryUsage().rss;
const peakBeforeExport = peakRss();

// Sampled during the export: where the memory is (JS heap, or buffers such as PGlite's WASM memory).
let peakHeapUsed = 0;
let peakArrayBuffers = 0;
let peakSampledRss = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
  peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
  peakSampledRss = Math.max(peakSampledRss, m.rss);
};
const sampler = setInterval(sample, 100);

const cpuBase = JSON.parse(process.env.BENCH_ADMIN_CPU_BASE ?? 'null') as Record<string, number> | null;
const nodeCpuBefore = nodeCpuSeconds();

let rows = -1; // the CSV header line is not a row
let bytes = 0;
const started = performance.now();
const { chunks } = await service.exportUsers(actor, { format: 'csv' });
async function* counted(): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    bytes += Buffer.byteLength(chunk);
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) rows++;
    yield chunk;
  }
}
await pipeline(Readable.from(counted()), createWriteStream('/dev/null'));
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
sample();
const nodeCpu = nodeCpuSeconds() - nodeCpuBefore;
const dbCpu =
  location.kind === 'postgres' && cpuBase
    ? backendCpuSince(cpuBase, await backendCpu(async (text) => (await sql.raw<{ pid: number }>(text).execute(database.db)).rows))
    : undefined;
await database.close();

const result = {
  rows,
  bytes,
  seconds,
  rowsPerSecond: rows / seconds,
  peakRssMiB: mib(peakRss()),
  maxRssMiB: mib(process.resourceUsage().maxRSS * 1024),
  rssBeforeExportMiB: mib(rssBeforeExport),
  peakRssBeforeExportMiB: mib(peakBeforeExport),
  peakHeapUsedMiB: mib(peakHeapUsed),
  peakArrayBuffersMiB: mib(peakArrayBuffers),
  peakSampledRssMiB: mib(peakSampledRss),
  /** CPU seconds of this process during the export (PGlite's database work included). */
  nodeCpuSeconds: nodeCpu,
  /** CPU seconds of the PostgreSQL backends during the export; absent for PGlite or a remote server. */
  dbCpuSeconds: dbCpu,
};
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
