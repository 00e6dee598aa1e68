/**
 * The fuzz driver: one fast-check property per route of the contract (iterated, so new routes are
 * fuzzed without a change here), per adapter and per store. Each property runs on one world (one
 * server over one store, seeded once) and sends `numRuns` hostile requests, checking the
 * properties of `oracles.ts` on every answer.
 *
 * Run: `npx vitest run --project fuzz` (every store `storeTargets()` offers), or
 * `FUZZ_STORES=memory npx vitest run --project fuzz` for the fast lane. A failure prints the
 * seed and path: `FUZZ_SEED=<seed> FUZZ_ROUTES=<route>` replays the same runs in the same
 * order (the world is stateful, so the runs before the failing one matter); adding
 * `FUZZ_PATH=<path>` jumps to the failing run alone. Knobs: `config.ts`.
 */
import fc from 'fast-check';
import type { RouteName, RouteSpec } from '@userkit/core';
import { afterAll, describe, it } from 'vitest';
import { storeTargets, type AdapterName } from '../http/harness';
import { requestArb } from './arbitraries';
import { budgetFor, replay, selectRoutes, selectStores } from './config';
import { routeEntries } from './introspect';
import type { RequestPlan } from './model';
import { describeExchange, violations } from './oracles';
import { World } from './world';

/** Status counts per property, printed with FUZZ_STATS=1 (to see how deep the runs reach). */
const stats: string[] = [];

async function runOne(world: World, target: RouteName, spec: RouteSpec, plan: RequestPlan, seen: Map<number, number>): Promise<void> {
  const request = await world.build(plan, spec);
  fc.pre(request !== undefined);
  const before = world.snapshot;
  world.errors.length = 0;
  let response;
  try {
    response = await world.send(request);
  } catch (error) {
    // A refused or broken connection (e.g. a streamed 200 cut off midway) is no answer either.
    throw new Error(`1. no complete answer (${error instanceof Error ? error.message : String(error)})\n${describeExchange({ target, request })}`, { cause: error });
  }
  seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
  // Work a route does after answering (a password reset request) belongs to its own exchange.
  await world.h.service.settled();
  const after = await world.snap();
  world.snapshot = after;
  const exchange = { target, request, response };
  const found = violations(world, exchange, before, after);
  if (response.status >= 200 && response.status < 300 && /json/.test(response.headers['content-type'] ?? '')) {
    try {
      world.learn(JSON.parse(response.text));
    } catch {
      // not JSON: nothing to learn (and oracle 5 reports it where JSON was due)
    }
  }
  if ([...before.entries].some(([k, v]) => after.entries.get(k) !== v) || after.entries.size !== before.entries.size) await world.maintain(request);
  if (found.length > 0) throw new Error(`${found.join('\n')}\n${describeExchange(exchange)}`);
}

/** Registers the fuzz suite of one adapter: every selected store × every route of the contract. */
export function fuzzAdapter(adapter: AdapterName): void {
  const stores = selectStores(storeTargets());
  const routes = selectRoutes(routeEntries.map(([name]) => name));
  afterAll(() => {
    if (process.env.FUZZ_STATS) console.log(stats.join('\n'));
  });
  describe.each(stores)(`fuzz on ${adapter} over $name`, (store) => {
    const { numRuns, timeLimitMs } = budgetFor(store);
    for (const [name, spec] of routeEntries.filter(([n]) => routes.includes(n))) {
      it(`${spec.method} ${spec.path} (${name})`, async () => {
        const world = await World.start(adapter, store);
        const seen = new Map<number, number>();
        const started = performance.now();
        try {
          await fc.assert(
            fc.asyncProperty(requestArb(spec), (plan) => runOne(world, name, spec, plan, seen)),
            { numRuns, interruptAfterTimeLimit: timeLimitMs, ...replay() },
          );
        } finally {
          const runs = [...seen.values()].reduce((a, b) => a + b, 0);
          stats.push(`${adapter}/${store.name} ${name}: ${runs} runs in ${Math.round(performance.now() - started)} ms — ${[...seen].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
          await world.close();
        }
      });
    }
  });
}
