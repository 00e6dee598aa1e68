/**
 * bcrypt in a pool of worker threads (docs/security.md#password-hashing: "hashing must not stall the server"). bcryptjs's
 * async API still runs on the main thread in chunks of up to 100 ms, so every login would add that
 * much latency to every other request; here the main thread only posts a message and waits.
 *
 * Same cost rules as {@link BcryptPasswordHasher}: cost 12 by default, 10..31, weaker hashes are
 * reported by `needsRehash`, hashes past `maxCost` never match; and every job has a time limit.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bcryptCost, bcryptCostOptions, verifiableBcryptHash } from './bcrypt-hash';
import { UserkitError } from './errors';
import type { PasswordHasher } from './password-hasher';

export interface WorkerPasswordHasherOptions {
  /** Work factor, 10..31. Default 12. */
  cost?: number;
  /** The highest cost `verify` will compute; a stored hash above it never matches. Default 16, or `cost` if higher. */
  maxCost?: number;
  /**
   * Longest a job may run, in ms. Past it the worker is terminated (bcrypt cannot be interrupted
   * otherwise) and the job rejects with an Error; a new worker takes the queue. Default 30 000.
   */
  jobTimeoutMs?: number;
  /** Worker threads, at least 1. Default: available cores minus one (at least 1). */
  poolSize?: number;
  /**
   * Jobs allowed to wait while every worker is busy, at least 0. Past it, `hash` and `verify`
   * reject at once with SERVICE_UNAVAILABLE (503, `Retry-After: 1`). Default 64.
   */
  maxQueue?: number;
}

/** What the pool is doing now, for health checks and metrics. */
export interface WorkerPasswordHasherStats {
  /** Live worker threads. */
  workers: number;
  /** Workers running a job. */
  busy: number;
  /** Jobs waiting for a worker. */
  queued: number;
  /** Jobs given to a worker since the hasher was made (a counter). */
  started: number;
  /** Milliseconds those jobs waited in the queue, added up (a counter: with `started`, the mean wait). */
  waitMsTotal: number;
}

type JobMessage = { op: 'hash'; password: string; cost: number } | { op: 'verify'; password: string; hash: string };
type Reply = { ok: true; value: string | boolean } | { ok: false; message: string };

interface Job {
  message: JobMessage;
  resolve(value: string | boolean): void;
  reject(error: unknown): void;
  /** `performance.now()` when the job was asked for: its queue wait ends when a worker takes it. */
  queuedAt: number;
  timer?: ReturnType<typeof setTimeout> | undefined;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  /** The uncaught error the worker died of, if any (reported before its `exit`). */
  error: unknown;
}

/**
 * The worker, evaluated from a string: it needs no file of its own, so it runs the same from
 * TypeScript source, the ESM build and the CJS build. It uses neither `require` nor `import`: an
 * eval worker is CommonJS or ESM depending on the parent's flags (`--input-type=module` makes it
 * ESM), so modules come through `process.getBuiltinModule` (Node >= 20.16). bcryptjs is loaded by
 * an absolute path resolved in the parent, so it is found wherever this package's dependencies are.
 */
const workerSource = `
'use strict';
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const bcrypt = process.getBuiltinModule('node:module').createRequire(workerData.bcryptPath)(workerData.bcryptPath);
parentPort.on('message', (job) => {
  let reply;
  try {
    const value = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    reply = { ok: true, value };
  } catch (error) {
    reply = { ok: false, message: String((error && error.message) || error) };
  }
  parentPort.postMessage(reply);
});
`;

let bcryptPath: string | undefined;

/** The absolute path of bcryptjs's CommonJS build, resolved from this module (source or either build). */
function resolveBcrypt(): string {
  if (bcryptPath !== undefined) return bcryptPath;
  // ESM build and vitest (source): import.meta.url. The CJS build: tsup shims import.meta.url;
  // __filename covers a CommonJS compile that leaves import.meta empty. (Never test __filename
  // first: `node -e` and some tools define a global one, which would be wrong in ESM.)
  const here = (import.meta.url as string | undefined) ?? __filename;
  bcryptPath = createRequire(here).resolve('bcryptjs');
  return bcryptPath;
}

function overloaded(): UserkitError {
  return new UserkitError('SERVICE_UNAVAILABLE', { detail: 'Too many sign-ins at once; try again shortly', retryAfter: 1 });
}

function integerOption(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer of at least ${min}`);
  return value;
}

/**
 * A {@link PasswordHasher} that runs bcrypt (bcryptjs, synchronously) in a pool of worker threads,
 * so the event loop keeps serving other requests while logins hash.
 *
 * - Workers start on first use and never keep the process alive while idle (they are `unref()`ed;
 *   a worker holds the process only while it runs a job, so a script awaiting a hash finishes).
 * - When every worker is busy, up to `maxQueue` jobs wait; past that, `hash` and `verify` reject at
 *   once with SERVICE_UNAVAILABLE and `retryAfter: 1` instead of queueing without bound.
 * - A worker that dies rejects its job with an Error and is replaced on the next job.
 * - `close()` terminates the workers and rejects queued and running jobs with SERVICE_UNAVAILABLE.
 *   The hasher stays usable: a later call starts workers again, lazily.
 *
 * @example
 * ```ts
 * const hasher = new WorkerPasswordHasher({ cost: 12 });
 * const hash = await hasher.hash('correct horse battery');
 * await hasher.verify('correct horse battery', hash); // true
 * await hasher.close(); // optional: idle workers never keep the process alive
 * ```
 */
export class WorkerPasswordHasher implements PasswordHasher {
  readonly cost: number;
  readonly maxCost: number;
  readonly jobTimeoutMs: number;
  readonly poolSize: number;
  readonly maxQueue: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #started = 0;
  #waitMsTotal = 0;

  constructor(options: WorkerPasswordHasherOptions = {}) {
    ({ cost: this.cost, maxCost: this.maxCost } = bcryptCostOptions(options));
    this.jobTimeoutMs = integerOption('jobTimeoutMs', options.jobTimeoutMs ?? 30_000, 1);
    this.poolSize = integerOption('poolSize', options.poolSize ?? Math.max(1, availableParallelism() - 1), 1);
    this.maxQueue = integerOption('maxQueue', options.maxQueue ?? 64, 0);
  }

  async hash(password: string): Promise<string> {
    if (typeof password !== 'string') throw new TypeError('password must be a string');
    return (await this.#run({ op: 'hash', password, cost: this.cost })) as string;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    if (typeof password !== 'string' || typeof hash !== 'string' || !verifiableBcryptHash(hash, this.maxCost)) return false;
    return (await this.#run({ op: 'verify', password, hash })) === true;
  }

  needsRehash(hash: string): boolean {
    const cost = bcryptCost(hash);
    return cost === undefined || cost < this.cost;
  }

  get stats(): WorkerPasswordHasherStats {
    return {
      workers: this.#slots.length,
      busy: this.#slots.filter((slot) => slot.job !== undefined).length,
      queued: this.#queue.length,
      started: this.#started,
      waitMsTotal: this.#waitMsTotal,
    };
  }

  /**
   * Terminates every worker. Queued and running jobs reject with SERVICE_UNAVAILABLE. Later calls
   * start new workers, so closing is safe at any time (e.g. on shutdown or between tests).
   */
  async close(): Promise<void> {
    const slots = this.#slots.splice(0);
    const queued = this.#queue.splice(0);
    const closing = () => new UserkitError('SERVICE_UNAVAILABLE', { detail: 'The password hasher is shutting down', retryAfter: 1 });
    for (const job of queued) job.reject(closing());
    for (const slot of slots) {
      const job = slot.job;
      slot.job = undefined;
      if (job) clearTimeout(job.timer);
      job?.reject(closing());
    }
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #run(message: JobMessage): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      const job: Job = { message, resolve, reject, queuedAt: performance.now() };
      const slot = this.#idleSlot();
      if (slot) this.#start(slot, job);
      else if (this.#queue.length < this.maxQueue) this.#queue.push(job);
      else reject(overloaded());
    });
  }

  /** An idle worker, a new one while the pool is not full, or undefined when all are busy. */
  #idleSlot(): Slot | undefined {
    const idle = this.#slots.find((slot) => slot.job === undefined);
    if (idle || this.#slots.length >= this.poolSize) return idle;
    const worker = new Worker(workerSource, { eval: true, workerData: { bcryptPath: resolveBcrypt() } });
    worker.unref();
    const slot: Slot = { worker, job: undefined, error: undefined };
    worker.on('message', (reply: Reply) => this.#settle(slot, reply));
    worker.on('messageerror', (error) => this.#settle(slot, { ok: false, message: error.message }));
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (code) => this.#exited(slot, code));
    this.#slots.push(slot);
    return slot;
  }

  #start(slot: Slot, job: Job): void {
    this.#started += 1;
    this.#waitMsTotal += performance.now() - job.queuedAt;
    slot.job = job;
    slot.worker.ref();
    try {
      slot.worker.postMessage(job.message);
    } catch (error) {
      slot.job = undefined;
      job.reject(error);
      this.#next(slot);
      return;
    }
    job.timer = setTimeout(() => this.#timedOut(slot, job), this.jobTimeoutMs);
    job.timer.unref?.();
  }

  /** A job ran too long: its worker is stuck in bcrypt, so it goes; `#exited` brings a replacement for the queue. */
  #timedOut(slot: Slot, job: Job): void {
    if (slot.job !== job) return;
    slot.job = undefined;
    job.reject(new Error(`bcrypt job took longer than ${this.jobTimeoutMs} ms; its worker was stopped`));
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    void slot.worker.terminate();
  }

  #settle(slot: Slot, reply: Reply): void {
    const job = slot.job;
    if (!job) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(new Error(`bcrypt failed: ${reply.message}`));
    this.#next(slot);
  }

  /** Gives `slot` the next queued job, or lets the process exit without it. */
  #next(slot: Slot): void {
    const job = this.#queue.shift();
    if (job) this.#start(slot, job);
    else slot.worker.unref();
  }

  #exited(slot: Slot, code: number): void {
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    const job = slot.job;
    slot.job = undefined;
    if (job) clearTimeout(job.timer);
    job?.reject(new Error(`bcrypt worker stopped (exit code ${code})`, slot.error === undefined ? undefined : { cause: slot.error }));
    // A replacement takes over the waiting jobs; a worker that cannot start fails them one by one.
    while (this.#queue.length > 0) {
      let next: Slot | undefined;
      try {
        next = this.#idleSlot();
      } catch (error) {
        for (const waiting of this.#queue.splice(0)) waiting.reject(error);
        return;
      }
      if (!next) return;
      this.#start(next, this.#queue.shift()!);
    }
  }
}
