/**
 * The side of a bench server process that talks to the load generator (its parent, over the
 * fork IPC channel): "ready" with the port, server CPU and event-loop delay on request, and a
 * clean stop (so `--cpu-prof` profiles are written).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface ServerArgs {
  [key: string]: string | undefined;
}

/** `--key value` pairs of argv. */
export function parseArgs(argv: readonly string[] = process.argv.slice(2)): ServerArgs {
  const out: ServerArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg?.startsWith('--')) out[arg.slice(2)] = argv[i + 1]?.startsWith('--') === false ? argv[++i] : 'true';
  }
  return out;
}

export function required(args: ServerArgs, key: string): string {
  const value = args[key];
  if (value === undefined) throw new Error(`bench server: --${key} is required`);
  return value;
}

function send(message: Record<string, unknown>): void {
  process.send?.(message);
}

/** Tells the parent the server listens on `port`. */
export function reportReady(port: number, info: Record<string, unknown> = {}): void {
  send({ type: 'ready', port, pid: process.pid, ...info });
}

/** Reports a start-up failure to the parent and exits. */
export function fail(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error('bench server failed:', error);
  if (!process.send) process.exit(1);
  process.send({ type: 'error', message }, undefined, undefined, () => process.exit(1));
}

/**
 * Answers `stats` (CPU time used and event-loop delay since the last `stats`) and `stop`.
 * Stops on SIGTERM/SIGINT and when the parent goes away.
 */
export function attachControl(close: () => Promise<void>, extraStats: () => Record<string, unknown> = () => ({})): void {
  // Values are timer intervals, so the resolution is subtracted to report the delay itself.
  const resolution = 5;
  const delay = monitorEventLoopDelay({ resolution });
  delay.enable();
  let stopping = false;
  let profiler: Promise<Session> | undefined;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    delay.disable();
    const timer = setTimeout(() => process.exit(0), 5000);
    timer.unref();
    close()
      .catch((error: unknown) => console.error('bench server: error while closing:', error))
      .finally(() => process.exit(0));
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') {
      const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - resolution);
      send({
        type: 'stats',
        cpu: process.cpuUsage(),
        eventLoopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
        rss: process.memoryUsage.rss(),
        ...extraStats(),
      });
      delay.reset();
    } else if (message.type === 'profile-start') {
      profiler ??= startProfiler((message as { intervalUs?: number }).intervalUs ?? 200);
      void profiler.then(() => send({ type: 'profile-started' }));
    } else if (message.type === 'profile-stop') {
      const file = (message as { file?: string }).file ?? `userkit-${process.pid}.cpuprofile`;
      const running = profiler;
      profiler = undefined;
      void running
        ?.then((session) => stopProfiler(session, file))
        .then(() => send({ type: 'profile-stopped', file }), (error: unknown) => send({ type: 'profile-stopped', error: String(error) }));
    } else if (message.type === 'stop') {
      stop();
    }
  });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
}

function post(session: Session, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Starts the V8 CPU profiler in this process (the window the load generator measures, not start-up). */
async function startProfiler(intervalUs: number): Promise<Session> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
  await post(session, 'Profiler.start');
  return session;
}

async function stopProfiler(session: Session, file: string): Promise<void> {
  const { profile } = (await post(session, 'Profiler.stop')) as { profile: unknown };
  session.disconnect();
  writeFileSync(file, JSON.stringify(profile));
}
