/**
 * Output of the admin benchmark: the console table, bench/results/admin-latest.json and the
 * section "## Admin operations (npm run bench:admin)" of docs/benchmarks.md (other sections of
 * that file are left as they are).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ListUsersQueryInput } from '@userkit/core';
import { planSummary, type Plan, type Timing } from './measure';
import type { StoreKind } from './stores';

export interface ExportResult {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  /** VmHWM of the child process at the end: the peak RSS. */
  peakRssMiB: number;
  maxRssMiB: number;
  rssBeforeExportMiB: number;
  peakRssBeforeExportMiB: number;
  peakHeapUsedMiB: number;
  peakArrayBuffersMiB: number;
  peakSampledRssMiB: number;
  nodeCpuSeconds: number;
  dbCpuSeconds?: number;
}

/** One list shape: `service.list` latency, and each of its statements (page, total) explained and timed alone. */
export type ListResult = { name: string; query: ListUsersQueryInput; total: number; items: number } & Timing & {
  statements: { role: 'matches' | 'page' | 'total'; plan: Plan; alone: Timing }[];
};

export interface SizeResult {
  size: number;
  users: number;
  tableMiB: number;
  /** Rows matching each search term (results of older runs have qFew instead of qRare and no qCommon). */
  matches: { qRare?: number; qFew?: number; qCommon?: number; qMany: number };
  seed: { insertSeconds: number; indexSeconds: number; vacuumAnalyzeSeconds: number };
  list: ListResult[];
  stats?: Timing;
  statsPlans: Plan[];
  export?: ExportResult;
}

export interface StoreResult {
  kind: StoreKind;
  version?: string;
  pgTrgm?: boolean;
  import?: { rows: number; seconds: number; rowsPerSecond: number; usersAfter: number; nodeCpuSeconds: number; dbCpuSeconds?: number };
  sizes: SizeResult[];
}

export interface Results {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  loadAverage: Record<string, [number, number, number]>;
  config: { sizes: number[]; stores: StoreKind[]; iterations: number; importRows: number; scenarioBudgetMs: number };
  stores: StoreResult[];
  totalSeconds?: number;
}

export const targets = {
  listQP95Ms: 25,
  importSeconds: 20,
  exportRssMiB: 256,
};

const storeName = (kind: StoreKind) => (kind === 'postgres' ? 'PostgreSQL' : 'PGlite');
const sizeName = (n: number) => (n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n % 1000 === 0 ? `${n / 1000}k` : String(n));
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '—' : n >= 100 ? n.toFixed(0) : n.toFixed(1));
/** "q rare (\"x\")" → "q rare". */
const shortName = (name: string) => name.replace(/\s*\(.*$/, '');
const int = (n: number | undefined) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));

interface Row {
  metric: string;
  cells: Map<string, string>;
}

/** Rows of the result table, one column per store and size. */
function tableRows(results: Results): { columns: string[]; rows: Row[] } {
  const columns: string[] = [];
  const rows = new Map<string, Row>();
  const set = (metric: string, column: string, value: string) => {
    let row = rows.get(metric);
    if (!row) rows.set(metric, (row = { metric, cells: new Map() }));
    row.cells.set(column, value);
  };
  const cpu = (node: number, db: number | undefined) => (db === undefined ? `${node.toFixed(1)}` : `${node.toFixed(1)} + ${db.toFixed(1)}`);
  for (const store of results.stores) {
    for (const size of store.sizes) {
      const column = `${storeName(store.kind)} ${sizeName(size.size)}`;
      columns.push(column);
      for (const list of size.list) {
        set(`list: ${shortName(list.name)} — p50 / p95 ms`, column, `${ms(list.p50)} / ${ms(list.p95)}`);
        const page = list.statements.find((x) => x.role === 'page');
        const total = list.statements.find((x) => x.role === 'total');
        set(`  ${shortName(list.name)}: page / total SQL alone — p50 ms`, column, `${ms(page?.alone.p50)} / ${ms(total?.alone.p50)}`);
        const matches = list.statements.find((x) => x.role === 'matches');
        if (matches) set(`  ${shortName(list.name)}: matching ids (up to the cap) alone — p50 ms`, column, ms(matches.alone.p50));
      }
      set('rows matching q rare / q common / q many', column, `${int(size.matches.qRare ?? size.matches.qFew)} / ${int(size.matches.qCommon)} / ${int(size.matches.qMany)}`);
      if (size.stats) set('stats — p50 / p95 ms', column, `${ms(size.stats.p50)} / ${ms(size.stats.p95)}`);
      if (size.export) {
        set('export CSV — rows/s', column, int(size.export.rowsPerSecond));
        set('export CSV — seconds', column, size.export.seconds.toFixed(1));
        set('export CSV — peak RSS MiB (RSS before export)', column, `${size.export.peakRssMiB} (${size.export.rssBeforeExportMiB})`);
        set('export CSV — CPU s (node + PostgreSQL)', column, cpu(size.export.nodeCpuSeconds, size.export.dbCpuSeconds));
      }
      if (store.import && size === store.sizes[0]) {
        set(`import ${sizeName(store.import.rows)} CSV rows — seconds (rows/s)`, column, `${store.import.seconds.toFixed(1)} (${int(store.import.rowsPerSecond)})`);
        set(`import ${sizeName(store.import.rows)} CSV rows — CPU s (node + PostgreSQL)`, column, cpu(store.import.nodeCpuSeconds, store.import.dbCpuSeconds));
      }
      set('seed: insert / index build s', column, `${size.seed.insertSeconds.toFixed(1)} / ${size.seed.indexSeconds.toFixed(1)}`);
      set('users table incl. indexes MiB', column, int(size.tableMiB));
    }
  }
  return { columns, rows: [...rows.values()] };
}

export function printTable(results: Results): void {
  const { columns, rows } = tableRows(results);
  const width = Math.max(...rows.map((r) => r.metric.length));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r.cells.get(c) ?? '').length)));
  const line = (first: string, cells: string[]) => `${first.padEnd(width)} | ${cells.map((c, i) => c.padStart(widths[i] as number)).join(' | ')}`;
  console.log('');
  console.log(line('', columns));
  console.log(`${'-'.repeat(width)}-+-${widths.map((w) => '-'.repeat(w)).join('-+-')}`);
  for (const row of rows) console.log(line(row.metric, columns.map((c) => row.cells.get(c) ?? '')));
  console.log('');
  for (const check of targetChecks(results)) console.log(`${check.met ? 'MET  ' : 'UNMET'} ${check.text}`);
  console.log(`load average: ${Object.entries(results.loadAverage).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ')}`);
}

interface Check {
  met: boolean;
  text: string;
}

/** The targets of the issue, evaluated on this run (PGlite's figures given beside). */
export function targetChecks(results: Results): Check[] {
  const checks: Check[] = [];
  for (const store of results.stores) {
    const name = storeName(store.kind);
    const small = store.sizes.find((s) => s.size === 100_000);
    for (const list of small?.list.filter((l) => l.name.startsWith('q ')) ?? []) {
      checks.push({
        met: list.p95 <= targets.listQP95Ms,
        text: `${name}: list ${list.name} over 100k users p95 ${ms(list.p95)} ms (target <= ${targets.listQP95Ms} ms${store.kind === 'pglite' ? ', set for PostgreSQL' : ''})`,
      });
    }
    if (store.import) {
      checks.push({ met: store.import.seconds <= targets.importSeconds, text: `${name}: import of ${int(store.import.rows)} rows ${store.import.seconds.toFixed(1)} s (target <= ${targets.importSeconds} s)` });
    }
    const million = store.sizes.find((s) => s.size === 1_000_000);
    if (million?.export) {
      checks.push({ met: million.export.peakRssMiB <= targets.exportRssMiB, text: `${name}: export of 1M rows peak RSS ${million.export.peakRssMiB} MiB (target <= ${targets.exportRssMiB} MiB)` });
    }
  }
  return checks;
}

export const sectionHeading = '## Admin operations (npm run bench:admin)';

/** The markdown section: machine, results table, targets, plans, and the analysis notes. */
export function markdownSection(results: Results, analysis: string): string {
  const { columns, rows } = tableRows(results);
  const out: string[] = [sectionHeading, ''];
  out.push(
    'Measured by `npm run bench:admin` (bench/admin/): the service and repository in-process (no HTTP), against a dedicated PostgreSQL database and a PGlite data directory, both removed afterwards. Users are generated in SQL (`INSERT … SELECT … generate_series`, indexes rebuilt after the load, then `VACUUM ANALYZE`); the import reads a generated 100k-row CSV with an existing cost-10 bcrypt `password_hash` into an empty database; the export streams every user as CSV into /dev/null from a child process that does nothing else, whose peak RSS is VmHWM. Latencies are the p50/p95 of `service.list` / `service.stats` calls one after another. Raw figures, plans included: `bench/results/admin-latest.json`.',
    '',
  );
  const m = results.machine;
  const loads = Object.entries(results.loadAverage).map(([k, v]) => `${k} ${v.join(' / ')}`).join('; ');
  out.push(`- Run: ${results.date.slice(0, 16).replace('T', ' ')} UTC, ${results.totalSeconds ? `${Math.round(results.totalSeconds / 60)} min` : ''}`);
  out.push(`- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}`);
  out.push(`- Load average (1 / 5 / 15 min): ${loads}${results.loadAverage.start && results.loadAverage.start[0] > m.cpus ? ` — **the machine was busy with other runs (load above its ${m.cpus} cores); absolute figures are pessimistic and noisy**` : ''}`);
  out.push(`- Stores: ${results.stores.map((s) => `${storeName(s.kind)} = ${s.version ?? '?'}${s.pgTrgm ? ' with pg_trgm' : ' without pg_trgm'}`).join('; ')}`);
  out.push(`- List: up to ${results.config.iterations} calls per shape after 5 warm-up calls (fewer when a shape took longer than ${results.config.scenarioBudgetMs / 1000} s; n in the JSON), limit 20, with the total count the list returns. Shapes: ${(results.stores[0]?.sizes[0]?.list ?? []).map((l) => `*${shortName(l.name)}* = \`${JSON.stringify(l.query).replace(/"cursor":"[^"]*"/, '"cursor":"<the row in the middle>"')}\``).join(', ')}.`);
  out.push('- CPU s: CPU time of the benchmark process (PGlite runs inside it) + of the PostgreSQL backends serving the benchmark database (read from /proc); with the machine loaded, CPU time says more than wall time about an idle machine.');
  out.push('');
  out.push(`| Metric | ${columns.join(' | ')} |`);
  out.push(`|---|${columns.map(() => '---:').join('|')}|`);
  for (const row of rows) out.push(`| ${row.metric} | ${columns.map((c) => row.cells.get(c) ?? '').join(' | ')} |`);
  out.push('');
  out.push('### Targets');
  out.push('');
  for (const check of targetChecks(results)) out.push(`- ${check.met ? 'Met' : '**Not met**'}: ${check.text}`);
  out.push('');
  out.push('### Query plans (EXPLAIN ANALYZE of the SQL the repository sends)');
  out.push('');
  out.push('A list without `q` runs two statements at once: the page (`limit + 1` rows) and the `total` (`count(*)` over at most cap + 1 matching rows; the cap is 1000 by default). A list with `q` first collects the matching ids (at most cap + 1, through the trigram index); when they are within the cap the page is read among those ids, otherwise by walking the sort index. "alone" is the p50 of the statement run by itself.');
  out.push('');
  for (const store of results.stores) {
    for (const size of store.sizes) {
      if (size.list.length === 0) continue;
      out.push(`${storeName(store.kind)}, ${sizeName(size.size)} users:`);
      out.push('');
      for (const list of size.list) {
        for (const statement of list.statements) out.push(`- ${shortName(list.name)} — ${statement.role} (alone p50 ${ms(statement.alone.p50)} ms): ${planSummary(statement.plan)}`);
      }
      size.statsPlans.forEach((plan, i) => out.push(`- stats — ${i === 0 ? 'groups' : 'signups per day'}: ${planSummary(plan)}`));
      out.push('');
    }
  }
  if (analysis.trim()) {
    out.push('### Analysis');
    out.push('');
    out.push(analysis.trim());
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Replaces (or appends) the admin section of `markdown`, leaving every other section alone. */
export function replaceSection(markdown: string, section: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === sectionHeading);
  if (start < 0) {
    const base = markdown.trim() ? `${markdown.trimEnd()}\n\n` : '# Benchmarks\n\n';
    return `${base}${section}`;
  }
  let end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  if (end < 0) end = lines.length;
  const before = lines.slice(0, start).join('\n').trimEnd();
  const after = lines.slice(end).join('\n').trim();
  return `${before ? `${before}\n\n` : ''}${section}${after ? `\n${after}\n` : ''}`;
}

export async function writeOutputs(results: Results, root: string, options: { json: boolean } = { json: true }): Promise<void> {
  if (options.json) {
    const jsonPath = join(root, 'bench/results/admin-latest.json');
    await mkdir(dirname(jsonPath), { recursive: true });
    await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`wrote ${jsonPath}`);
  }
  if ((process.env.BENCH_ADMIN_WRITE_DOCS ?? '1') === '0') return;
  const analysisPath = join(root, 'bench/admin/analysis.md');
  const analysis = existsSync(analysisPath) ? readFileSync(analysisPath, 'utf8') : '';
  const docsPath = join(root, 'docs/benchmarks.md');
  // Read just before writing: another section of this file may have changed meanwhile.
  const current = existsSync(docsPath) ? await readFile(docsPath, 'utf8') : '';
  await writeFile(docsPath, replaceSection(current, markdownSection(results, analysis)));
  console.log(`wrote the "${sectionHeading.slice(3)}" section of ${docsPath}`);
}
