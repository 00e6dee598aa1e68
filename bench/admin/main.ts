/**
 * The admin-operations benchmark (`npm run bench:admin`): for PostgreSQL and PGlite, the import
 * of 100k CSV rows into an empty database, then for each size (100k, 1M users) the list latency
 * (p50/p95 of five query shapes), the stats latency, EXPLAIN ANALYZE of those queries with the
 * time of each statement alone, and the CSV export of every user in a child process (rows/s, peak
 * RSS).
 * Everything runs in-process against the service and repository, not over HTTP.
 *
 * Output: a console table, bench/results/admin-latest.json, and the section
 * "## Admin operations (npm run bench:admin)" of docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { listUsersQuerySchema, type ListUsersQueryInput } from '@userkit/core';
import { BcryptPasswordHasher, UserService, decodeCursor, encodeCursor, type Actor, type Mailer } from '@userkit/core/server';
import { backendCpu, backendCpuSince, nodeCpuSeconds } from './cpu';
import { importCsv, qCommon, qMany, qRare, seedUsersSql } from '../shared/data';
import { explain, planSummary, timeIt } from './measure';
import { printTable, writeOutputs, type ExportResult, type ListResult, type Results, type SizeResult, type StoreResult } from './report';
import { defaultDatabaseUrl, openPglite, openPostgres, type BenchStore, type StoreKind } from './stores';

const env = process.env;
const sizes = (env.BENCH_ADMIN_SIZES ?? '10000,100000,1000000').split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
const storeKinds = (env.BENCH_ADMIN_STORES ?? 'postgres,pglite').split(',').map((s) => s.trim()).filter((s): s is StoreKind => s === 'postgres' || s === 'pglite');
const iterations = Number(env.BENCH_ADMIN_ITERATIONS ?? 200);
const importRows = Number(env.BENCH_ADMIN_IMPORT_ROWS ?? 100_000);
const serverUrl = env.DATABASE_URL ?? defaultDatabaseUrl;
const root = env.BENCH_ADMIN_ROOT ?? process.cwd();
const bundleDir = env.BENCH_ADMIN_BUNDLE_DIR ?? join(root, 'node_modules/.cache/userkit-bench-admin');
/** Per measured shape: stop after this long once 20 samples are in (PGlite at 1M is slow). */
const scenarioBudgetMs = Number(env.BENCH_ADMIN_SCENARIO_BUDGET_MS ?? 30_000);

const startedAt = Date.now();
const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(0).padStart(5)}s`;
const progress = (store: string, message: string) => console.log(`[${elapsed()}] [${store}] ${message}`);
const load = () => loadavg().map((n) => Math.round(n * 100) / 100) as [number, number, number];

const silentMailer: Mailer = { send: async () => {} };
const hasher = new BcryptPasswordHasher({ cost: 10 });

/** The list query shapes measured; `deep cursor` gets its cursor per size. */
function listScenarios(deepCursor: string): { name: string; query: ListUsersQueryInput }[] {
  return [
    { name: 'no q, default sort', query: {} },
    { name: `q rare ("${qRare}")`, query: { q: qRare } },
    { name: `q common ("${qCommon}")`, query: { q: qCommon } },
    { name: `q many ("${qMany}")`, query: { q: qMany } },
    { name: 'filter + sort (status=active, lead_status=qualified, sort=name)', query: { status: 'active', lead_status: 'qualified', sort: 'name' } },
    { name: 'deep cursor (default sort, middle of the table)', query: { cursor: deepCursor } },
  ];
}

/** Drops the secondary indexes of users, runs `load`, then builds them again exactly as they were. */
async function withIndexesRebuilt(store: BenchStore, load: () => Promise<void>): Promise<{ loadMs: number; indexMs: number }> {
  const indexes = await store.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'users' AND indexname <> 'users_pkey' ORDER BY indexname`,
  );
  for (const index of indexes) await store.exec(`DROP INDEX ${index.indexname}`);
  const t0 = performance.now();
  await load();
  const t1 = performance.now();
  for (const index of indexes) await store.exec(`${maintenanceMemory(store)}; ${index.indexdef}`);
  return { loadMs: t1 - t0, indexMs: performance.now() - t1 };
}

const maintenanceMemory = (store: BenchStore) => `SET maintenance_work_mem = '${store.kind === 'postgres' ? '1GB' : '256MB'}'`;

async function createActor(service: UserService): Promise<Actor> {
  const result = await service.ensureSuperAdmin({ email: 'bench-root@example.com', password: 'Bench root password 2024!' });
  if (!result.user) throw new Error('no super admin');
  return { id: result.user.id, user_type: result.user.user_type, is_super_admin: result.user.is_super_admin };
}

const backendsOf = (store: BenchStore) => (store.kind === 'postgres' ? backendCpu((text) => store.query<{ pid: number }>(text)) : Promise.resolve(undefined));

async function measureImport(store: BenchStore, service: UserService, actor: Actor, csvPath: string): Promise<NonNullable<StoreResult['import']>> {
  global.gc?.();
  // Open the pool's connections first, so their backends are known before the import.
  await Promise.all(Array.from({ length: 4 }, () => store.database.repository.ping()));
  const dbBefore = await backendsOf(store);
  const cpuBefore = nodeCpuSeconds();
  const t0 = performance.now();
  const result = await service.importUsers(actor, createReadStream(csvPath, { highWaterMark: 64 * 1024 }), 'text/csv');
  const seconds = (performance.now() - t0) / 1000;
  const nodeCpu = nodeCpuSeconds() - cpuBefore;
  const dbCpu = backendCpuSince(dbBefore, await backendsOf(store));
  if (result.created !== importRows) throw new Error(`import created ${result.created} of ${importRows} rows`);
  const [row] = await store.query<{ count: number | string }>('SELECT count(*) AS count FROM users');
  return { rows: importRows, seconds, rowsPerSecond: importRows / seconds, usersAfter: Number(row?.count), nodeCpuSeconds: nodeCpu, dbCpuSeconds: dbCpu };
}

async function runExportChild(store: BenchStore): Promise<ExportResult> {
  const cpuBase = await backendsOf(store);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', join(bundleDir, 'export-child.mjs')], {
      env: { ...env, BENCH_ADMIN_EXPORT: JSON.stringify(store.location), BENCH_ADMIN_CPU_BASE: JSON.stringify(cpuBase ?? null) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`export child exited with ${code}: ${out}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as ExportResult);
    });
  });
}

/** The deep cursor: the service's own first-page cursor (which carries the total) moved to `inner`, the page cursor of the middle row. */
async function deepCursorOf(service: UserService, actor: Actor, inner: string): Promise<{ cursor: string; knownTotal: { total: number; capped: boolean } }> {
  const first = await service.list(actor, {});
  if (first.next_cursor === null) throw new Error('bench: the first page has no next cursor');
  return { cursor: encodeCursor('list', inner, decodeCursor(first.next_cursor, 'list').id), knownTotal: { total: first.total, capped: first.total_capped } };
}

/** The repository's view of a list query: a service cursor unwrapped into the page cursor, with the total it carries. */
function repositoryList(query: ListUsersQueryInput, knownTotal: { total: number; capped: boolean }): [ReturnType<typeof listUsersQuerySchema.parse>, { knownTotal?: { total: number; capped: boolean } }] {
  if (query.cursor === undefined) return [listUsersQuerySchema.parse(query), {}];
  const inner = decodeCursor(query.cursor, 'list').value as string;
  return [listUsersQuerySchema.parse({ ...query, cursor: inner }), { knownTotal }];
}

/** Times `service.list` for each shape, then EXPLAINs its statements and times each alone. */
async function measureList(store: BenchStore, service: UserService, actor: Actor, deep: { cursor: string; knownTotal: { total: number; capped: boolean } }, label: string): Promise<ListResult[]> {
  const deepCursor = deep.cursor;
  const out: ListResult[] = [];
  for (const scenario of listScenarios(deepCursor)) {
    global.gc?.();
    const first = await service.list(actor, scenario.query);
    const timing = await timeIt(() => service.list(actor, scenario.query), { iterations, warmup: 5, budgetMs: scenarioBudgetMs });
    out.push({ name: scenario.name, query: scenario.query, total: first.total, items: first.items.length, ...timing, statements: [] });
    progress(store.kind, `${label} list ${scenario.name}: p50 ${timing.p50} ms, p95 ${timing.p95} ms (n=${timing.n}, total=${first.total})`);
  }
  for (const [i, scenario] of listScenarios(deepCursor).entries()) {
    const entry = out[i] as ListResult;
    const plans = await explain(store, () => store.recordingRepository.list(...repositoryList(scenario.query, deep.knownTotal)));
    for (const plan of plans) {
      // A search first collects its matching ids (up to the total cap), then reads the page.
      const role = /count\(\*\)/.test(plan.sql) ? 'total' : /^select "id" from "users"/.test(plan.sql) ? 'matches' : 'page';
      const alone = await timeIt(() => store.query(plan.sql, plan.parameters), { iterations: Math.min(iterations, 50), warmup: 2, budgetMs: scenarioBudgetMs / 3, minIterations: 5 });
      entry.statements.push({ role, plan, alone });
      progress(store.kind, `  ${label} ${scenario.name} [${role}] alone p50 ${alone.p50} ms: ${planSummary(plan)}`);
    }
    const order = ['matches', 'page', 'total'];
    entry.statements.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  }
  return out;
}

async function benchStore(kind: StoreKind, csvPath: string, passwordHash: string, results: Results): Promise<void> {
  progress(kind, kind === 'postgres' ? `creating a database on ${new URL(serverUrl).host}` : 'creating a PGlite data directory');
  const store = kind === 'postgres' ? await openPostgres(serverUrl) : await openPglite();
  const storeResult: StoreResult = { kind, sizes: [] };
  results.stores.push(storeResult);
  const cleanup = () => store.destroy();
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await store.database.migrate();
    const [version] = await store.query<{ v: string }>('SELECT version() AS v');
    storeResult.version = kind === 'postgres' ? (version?.v.split(' ').slice(0, 2).join(' ') ?? '?') : `PGlite (${version?.v.split(' ').slice(0, 2).join(' ')})`;
    storeResult.pgTrgm = (await store.query('SELECT 1 FROM pg_extension WHERE extname = $1', ['pg_trgm'])).length > 0;
    const newService = () => new UserService({ repository: store.database.repository, mailer: silentMailer, hasher });
    let service = newService();
    let actor = await createActor(service);

    if (importRows > 0) {
      progress(kind, `importing ${importRows} CSV rows with password_hash through service.importUsers`);
      const imported = await measureImport(store, service, actor, csvPath);
      storeResult.import = imported;
      const cpu = `CPU: node ${imported.nodeCpuSeconds.toFixed(1)} s${imported.dbCpuSeconds === undefined ? '' : `, PostgreSQL backends ${imported.dbCpuSeconds.toFixed(1)} s`}`;
      progress(kind, `import: ${imported.seconds.toFixed(1)} s, ${Math.round(imported.rowsPerSecond)} rows/s; ${cpu}`);
      await store.exec('TRUNCATE users, user_activity, credit_transactions, user_sessions RESTART IDENTITY');
      await store.exec('VACUUM ANALYZE users');
      actor = await createActor(service);
    }

    let seeded = 0;
    for (const size of sizes) {
      progress(kind, `seeding users ${seeded + 1}..${size} with INSERT … SELECT generate_series (indexes rebuilt after)`);
      const now = new Date();
      const { loadMs, indexMs } = await withIndexesRebuilt(store, () => store.exec(seedUsersSql(seeded + 1, size, passwordHash, now)));
      const t0 = performance.now();
      await store.exec('VACUUM ANALYZE users');
      const vacuumMs = performance.now() - t0;
      seeded = size;
      progress(kind, `seeded: insert ${(loadMs / 1000).toFixed(1)} s, indexes ${(indexMs / 1000).toFixed(1)} s, vacuum analyze ${(vacuumMs / 1000).toFixed(1)} s`);
      const [counts] = await store.query<{ users: string | number; q_rare: string | number; q_common: string | number; q_many: string | number; table_mb: string | number }>(
        `SELECT count(*) AS users,
           count(*) FILTER (WHERE email ILIKE $1 OR name ILIKE $1 OR username ILIKE $1 OR phone ILIKE $1 OR business_site ILIKE $1) AS q_rare,
           count(*) FILTER (WHERE email ILIKE $2 OR name ILIKE $2 OR username ILIKE $2 OR phone ILIKE $2 OR business_site ILIKE $2) AS q_common,
           count(*) FILTER (WHERE email ILIKE $3 OR name ILIKE $3 OR username ILIKE $3 OR phone ILIKE $3 OR business_site ILIKE $3) AS q_many,
           round(pg_total_relation_size('users') / 1048576.0) AS table_mb
         FROM users`,
        [`%${qRare}%`, `%${qCommon}%`, `%${qMany}%`],
      );
      const sizeResult: SizeResult = {
        size,
        users: Number(counts?.users),
        tableMiB: Number(counts?.table_mb),
        matches: { qRare: Number(counts?.q_rare), qCommon: Number(counts?.q_common), qMany: Number(counts?.q_many) },
        seed: { insertSeconds: loadMs / 1000, indexSeconds: indexMs / 1000, vacuumAnalyzeSeconds: vacuumMs / 1000 },
        list: [],
        statsPlans: [],
      };
      storeResult.sizes.push(sizeResult);

      const [middle] = await store.query<{ v: string; id: number }>(
        `SELECT to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS v, id FROM users WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC OFFSET ${Math.floor(size / 2)} LIMIT 1`,
      );
      // A fresh service: nothing left over from the import.
      service = newService();
      // The service answers cursors that carry the first page's total (docs/api.md).
      const deep = await deepCursorOf(service, actor, encodeCursor('-created_at', middle?.v ?? null, middle?.id ?? 1));
      sizeResult.list = await measureList(store, service, actor, deep, String(size));
      global.gc?.();
      sizeResult.stats = await timeIt(() => service.stats(actor), { iterations: 20, warmup: 2, budgetMs: scenarioBudgetMs, minIterations: 5 });
      progress(kind, `${size} stats: p50 ${sizeResult.stats.p50} ms, p95 ${sizeResult.stats.p95} ms (n=${sizeResult.stats.n})`);
      const day = 86_400_000;
      const since = new Date(Math.floor(Date.now() / day) * day - 29 * day);
      sizeResult.statsPlans = await explain(store, () => store.recordingRepository.countUsers(since));
      for (const plan of sizeResult.statsPlans) progress(kind, `  stats: ${planSummary(plan)}`);

      progress(kind, `${size} export CSV of every user in a child process`);
      if (kind === 'pglite') await store.close(); // one process at a time on a PGlite data directory
      try {
        sizeResult.export = await runExportChild(store);
      } finally {
        if (kind === 'pglite') await store.reopen();
      }
      service = newService();
      const e = sizeResult.export;
      progress(kind, `${size} export: ${e.rows} rows in ${e.seconds.toFixed(1)} s, ${Math.round(e.rowsPerSecond)} rows/s, peak RSS ${e.peakRssMiB} MiB (before export ${e.rssBeforeExportMiB} MiB)`);

    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress(kind, kind === 'postgres' ? 'dropping the benchmark database' : 'deleting the PGlite data directory');
    await cleanup();
  }
}

async function main(): Promise<void> {
  const startLoad = load();
  const results: Results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version, platform: `${process.platform} ${process.arch}` },
    loadAverage: { start: startLoad },
    config: { sizes, stores: storeKinds, iterations, importRows, scenarioBudgetMs },
    stores: [],
  };
  console.log(`bench:admin — sizes ${sizes.join(', ')}; stores ${storeKinds.join(', ')}; ${results.machine.cpus} CPUs; load average ${startLoad.join(' ')}`);
  const passwordHash = await hasher.hash('Bench password 2024!');
  const tmp = await mkdtemp(join(tmpdir(), 'userkit-bench-admin-'));
  const csvPath = join(tmp, 'import.csv');
  try {
    if (importRows > 0) {
      let text = '';
      for (const chunk of importCsv(importRows, passwordHash)) text += chunk;
      await writeFile(csvPath, text);
    }
    for (const kind of storeKinds) {
      await benchStore(kind, csvPath, passwordHash, results);
      results.loadAverage[`after ${kind}`] = load();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  results.loadAverage.end = load();
  results.totalSeconds = (Date.now() - startedAt) / 1000;
  printTable(results);
  await writeOutputs(results, root);
}

if (process.argv.includes('--docs-only')) {
  // Re-renders the docs section from bench/results/admin-latest.json (e.g. after editing analysis.md).
  const { readFile } = await import('node:fs/promises');
  const results = JSON.parse(await readFile(join(root, 'bench/results/admin-latest.json'), 'utf8')) as Results;
  printTable(results);
  await writeOutputs(results, root, { json: false });
} else {
  await main();
}
