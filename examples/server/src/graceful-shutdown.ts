/**
 * Graceful shutdown, in the order orchestrators expect:
 *
 * 1. readiness turns unready (`/api/health/ready` answers 503), so load balancers stop sending;
 * 2. the server keeps serving for `delayMs` (USERKIT_SHUTDOWN_DELAY: the time a load balancer
 *    needs to notice; 0 by default);
 * 3. it stops accepting connections and closes idle keep-alive ones; requests in flight finish,
 *    for at most `timeoutMs` (USERKIT_SHUTDOWN_TIMEOUT), after which their connections are cut;
 * 4. the resources close: the metrics port, the password hasher's workers, the database pool
 *    (and the Redis client, when one is wired in).
 */
import type { Server } from 'node:http';

export interface ShutdownPlan {
  server: Server;
  /** Turns readiness to 503; called first. */
  markUnready(): void;
  delayMs: number;
  timeoutMs: number;
  /** Closes everything behind the server, in order; runs after the last request finished. */
  closeResources(): Promise<void>;
  /** Told each step, for the log. */
  step?: (message: string) => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Stops accepting, lets in-flight requests finish within `timeoutMs`, then cuts what remains. */
export async function drainServer(server: Server, timeoutMs: number): Promise<{ forced: boolean }> {
  if (!server.listening) return { forced: false };
  let forced = false;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection that finishes its request after close() began is idle again: close
  // such connections as they appear rather than wait for their keep-alive timeout.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  const deadline = setTimeout(() => {
    forced = true;
    server.closeAllConnections();
  }, timeoutMs);
  server.closeIdleConnections();
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(deadline);
  }
  return { forced };
}

/** Runs the shutdown of {@link ShutdownPlan}: see the order at the top of this file. */
export async function shutDown(plan: ShutdownPlan): Promise<void> {
  const step = plan.step ?? (() => {});
  plan.markUnready();
  step(`readiness now answers 503${plan.delayMs > 0 ? `; still serving for ${plan.delayMs} ms` : ''}`);
  if (plan.delayMs > 0) await sleep(plan.delayMs);
  step('no new connections; finishing requests in flight');
  const { forced } = await drainServer(plan.server, plan.timeoutMs);
  if (forced) step(`requests still in flight after ${plan.timeoutMs} ms were cut`);
  await plan.closeResources();
  step('closed');
}
