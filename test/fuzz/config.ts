/**
 * Knobs of the fuzz project, all from the environment so CI and a long local soak share the code.
 *
 * - `FUZZ_RUNS`: runs per property on the in-memory store (default 40).
 * - `FUZZ_DB_RUNS`: runs per property on a database store (PGlite, PostgreSQL; default 12) —
 *   each request there costs a few queries plus the state snapshot.
 * - `FUZZ_TIME_MS`: wall-clock cap per property, shrinking included (default 5 000 memory,
 *   8 000 database); a property that hits it stops early and passes with what it ran (a
 *   failure found before the cap is still reported).
 * - `FUZZ_STATS=1`: print, per property, how many runs answered which status.
 * - `FUZZ_STORES`: comma list of store names to fuzz (`memory`, `pglite`, `postgres`), or `all`
 *   (default: every store `storeTargets()` offers).
 * - `FUZZ_SEED` (and `FUZZ_PATH`): replay a reported counterexample. Under `CI=true` the seed
 *   defaults to {@link ciSeed}, so a CI verdict is reproducible and a red run is always a change
 *   in the code, never the draw; local runs draw a new seed each time (soak for new findings).
 * - `FUZZ_ROUTES`: comma list of contract route names, to focus on some routes.
 */
import type { StoreTarget } from '../http/harness';

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${raw}`);
  return value;
};

const list = (name: string): string[] | undefined => {
  const raw = process.env[name]?.trim();
  if (!raw || raw === 'all') return undefined;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
};

export interface PropertyBudget {
  numRuns: number;
  timeLimitMs: number;
}

/** Runs and time per property for this store. */
export function budgetFor(store: StoreTarget): PropertyBudget {
  const memory = store.name === 'memory';
  return {
    numRuns: memory ? int('FUZZ_RUNS', 40) : int('FUZZ_DB_RUNS', 12),
    timeLimitMs: int('FUZZ_TIME_MS', memory ? 5_000 : 8_000),
  };
}

/** The stores selected by `FUZZ_STORES`. */
export function selectStores(all: StoreTarget[]): StoreTarget[] {
  const wanted = list('FUZZ_STORES');
  return wanted ? all.filter((s) => wanted.includes(s.name)) : all;
}

/** The route names selected by `FUZZ_ROUTES` (all when unset). */
export function selectRoutes<T extends string>(all: T[]): T[] {
  const wanted = list('FUZZ_ROUTES');
  return wanted ? all.filter((r) => wanted.includes(r)) : all;
}

/** The seed CI fuzzes with unless `FUZZ_SEED` says otherwise. */
export const ciSeed = 20_261_126;

/** Replay parameters for fc.assert. */
export function replay(): { seed?: number; path?: string } {
  const seed = process.env.FUZZ_SEED ?? (process.env.CI === 'true' ? String(ciSeed) : undefined);
  const path = process.env.FUZZ_PATH;
  return {
    ...(seed !== undefined && seed !== '' ? { seed: Number(seed) } : {}),
    ...(path !== undefined && path !== '' ? { path } : {}),
  };
}
