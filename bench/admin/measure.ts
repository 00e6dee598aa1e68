/**
 * Timing helpers and the EXPLAIN ANALYZE of the SQL the product sends.
 */
import type { CompiledQuery } from 'kysely';
import type { BenchStore } from './stores';

export interface Timing {
  n: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Runs `fn` `warmup` times, then up to `iterations` times or until `budgetMs` has passed
 * (at least `minIterations`); returns the latency distribution in milliseconds.
 */
export async function timeIt(fn: () => Promise<unknown>, options: { iterations: number; warmup: number; budgetMs: number; minIterations?: number }): Promise<Timing> {
  for (let i = 0; i < options.warmup; i++) await fn();
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < options.iterations) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
    if (performance.now() - started > options.budgetMs && samples.length >= (options.minIterations ?? 20)) break;
  }
  samples.sort((a, b) => a - b);
  return {
    n: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
    min: round(samples[0] as number),
    max: round(samples.at(-1) as number),
  };
}

export interface Plan {
  /** The statement, as Kysely compiled it (parameters in `parameters`). */
  sql: string;
  parameters: unknown[];
  /** EXPLAIN (ANALYZE, BUFFERS) output, one line per entry. */
  plan: string[];
  executionMs: number | undefined;
  /** Indexes the plan reads. */
  indexes: string[];
  /** Tables read by a sequential scan. */
  seqScans: string[];
}

/** Runs EXPLAIN (ANALYZE, BUFFERS) for each query `record` makes through the recording repository. */
export async function explain(store: BenchStore, record: () => Promise<unknown>): Promise<Plan[]> {
  store.recorded.length = 0;
  await record();
  const queries: CompiledQuery[] = [...store.recorded];
  const plans: Plan[] = [];
  for (const query of queries) plans.push(await explainStatement(store, query.sql, [...query.parameters]));
  return plans;
}

/** EXPLAIN (ANALYZE, BUFFERS) of one statement. */
export async function explainStatement(store: BenchStore, sql: string, parameters: unknown[]): Promise<Plan> {
  const rows = await store.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
  const plan = rows.map((row) => row['QUERY PLAN']);
  const text = plan.join('\n');
  const executionMs = /Execution Time: ([\d.]+) ms/.exec(text)?.[1];
  return {
    sql,
    parameters,
    plan,
    executionMs: executionMs === undefined ? undefined : Number(executionMs),
    indexes: [...new Set([...text.matchAll(/Index (?:Only )?Scan (?:Backward )?using (\S+)|Bitmap Index Scan on (\S+)/g)].map((m) => (m[1] ?? m[2]) as string))],
    seqScans: [...new Set([...text.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[1] as string))],
  };
}

/** A one-line summary of a plan: top nodes, indexes, sequential scans, execution time. */
export function planSummary(plan: Plan): string {
  const nodes = plan.plan
    // Plan nodes carry "(cost=… actual …)"; detail lines (Filter, Buffers, Sort Method, …) do not.
    .filter((line) => /\(cost=|\(actual /.test(line))
    .map((line) => line.replace(/^\s*->\s*/, '').replace(/\s+\(cost=.*$/, '').replace(/\s+\(actual.*$/, '').trim());
  const parts = [nodes.slice(0, 6).join(' > ')];
  if (plan.indexes.length) parts.push(`indexes: ${plan.indexes.join(', ')}`);
  if (plan.seqScans.length) parts.push(`seq scan: ${plan.seqScans.join(', ')}`);
  if (plan.executionMs !== undefined) parts.push(`${plan.executionMs} ms`);
  return parts.join('; ');
}
