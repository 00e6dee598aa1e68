/**
 * bcrypt in worker threads (docs/security.md#password-hashing: "hashing must not stall the server"): the PasswordHasher
 * contract, the bounded queue (SERVICE_UNAVAILABLE + retryAfter), crash recovery, close(), and that
 * the event loop stays responsive while hashes run, measured against bcryptjs on the main thread.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as workerThreads from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isUserkitError } from './errors';
import { WorkerPasswordHasher, type WorkerPasswordHasherOptions } from './worker-password-hasher';

// Every Worker the hasher starts, so tests can count them and kill one to simulate a crash.
const spawned = vi.hoisted(() => [] as workerThreads.Worker[]);
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof workerThreads>();
  class RecordedWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      spawned.push(this);
    }
  }
  return { ...actual, Worker: RecordedWorker };
});

const hashers: WorkerPasswordHasher[] = [];
function pool(options: WorkerPasswordHasherOptions = {}): WorkerPasswordHasher {
  const hasher = new WorkerPasswordHasher({ cost: 10, ...options });
  hashers.push(hasher);
  return hasher;
}

afterEach(async () => {
  await Promise.all(hashers.splice(0).map((hasher) => hasher.close()));
  spawned.length = 0;
});

/** A well-formed bcrypt hash of the given cost (for needsRehash; never verified). */
const fakeHash = (cost: string, prefix = '2b') => `$${prefix}$${cost}$${'a'.repeat(53)}`;

function exited(worker: workerThreads.Worker): Promise<number> {
  return new Promise((resolve) => worker.once('exit', resolve));
}

// Generous: bcrypt slows several-fold when the 2-core CI box is busy; nothing here asserts speed.
describe('WorkerPasswordHasher', { timeout: 60_000 }, () => {
  it('hashes with the configured cost and verifies the right password only', async () => {
    const hasher = pool();
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$2b\$10\$[./A-Za-z0-9]{53}$/);
    expect(await hasher.hash('correct horse battery')).not.toBe(hash); // salted
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse batterY', hash)).toBe(false);
    expect(await hasher.verify('', hash)).toBe(false);
    expect(spawned.length).toBeGreaterThan(0);
    expect(spawned.every((worker) => worker.threadId > 0)).toBe(true); // not the main thread (0)
  });

  it('answers false for a string that is not a bcrypt hash, without starting a worker', async () => {
    const hasher = pool();
    for (const hash of ['', 'not-a-hash', 'fake$correct horse', '$2b$10$short', `$2x$10$${'a'.repeat(53)}`, `$2b$10$${'a'.repeat(52)}!`]) {
      expect(await hasher.verify('correct horse', hash)).toBe(false);
    }
    expect(spawned).toHaveLength(0);
    expect(hasher.stats).toEqual({ workers: 0, busy: 0, queued: 0, started: 0, waitMsTotal: 0 });
  });

  it('needsRehash is true for a lower cost or a non-bcrypt string, false otherwise', () => {
    const hasher = pool({ cost: 12 });
    expect(hasher.needsRehash(fakeHash('10'))).toBe(true);
    expect(hasher.needsRehash(fakeHash('11', '2a'))).toBe(true);
    expect(hasher.needsRehash(fakeHash('12'))).toBe(false);
    expect(hasher.needsRehash(fakeHash('13', '2y'))).toBe(false);
    expect(hasher.needsRehash('not-a-hash')).toBe(true);
    expect(spawned).toHaveLength(0);
  });

  it('takes a cost from 10 to 31 (default 12) and validates the pool options', () => {
    expect(new WorkerPasswordHasher().cost).toBe(12);
    expect(new WorkerPasswordHasher({ cost: 10 }).cost).toBe(10);
    expect(new WorkerPasswordHasher({ cost: 31 }).cost).toBe(31);
    for (const cost of [9, 32, 11.5, Number.NaN, 0, -12]) {
      expect(() => new WorkerPasswordHasher({ cost })).toThrow(RangeError);
    }
    const defaults = new WorkerPasswordHasher();
    expect(defaults.poolSize).toBeGreaterThanOrEqual(1);
    expect(defaults.maxQueue).toBe(64);
    expect(new WorkerPasswordHasher({ poolSize: 3, maxQueue: 0 })).toMatchObject({ poolSize: 3, maxQueue: 0 });
    for (const options of [{ poolSize: 0 }, { poolSize: 1.5 }, { maxQueue: -1 }, { maxQueue: Number.POSITIVE_INFINITY }]) {
      expect(() => new WorkerPasswordHasher(options)).toThrow(RangeError);
    }
    expect(spawned).toHaveLength(0); // workers start on first use only
  });

  it('answers false, without starting a worker, for a cost bcrypt refuses (00) or past maxCost (default 16)', async () => {
    const hasher = pool();
    expect(hasher.maxCost).toBe(16);
    for (const cost of ['00', '03', '17', '31', '99']) expect(await hasher.verify('correct horse', fakeHash(cost))).toBe(false);
    expect(spawned).toHaveLength(0);
    expect(pool({ maxCost: 12 }).maxCost).toBe(12);
    expect(pool({ cost: 20 }).maxCost).toBe(20);
    for (const options of [{ cost: 12, maxCost: 11 }, { maxCost: 32 }, { maxCost: 12.5 }]) expect(() => new WorkerPasswordHasher(options)).toThrow(RangeError);
    expect(() => new WorkerPasswordHasher({ jobTimeoutMs: 0 })).toThrow(RangeError);
  });

  it('a job past jobTimeoutMs rejects and its worker is stopped; the next job gets a fresh worker', async () => {
    const hasher = pool({ poolSize: 1, jobTimeoutMs: 50 });
    // A cost-16 check runs for seconds: it cannot finish inside 50 ms.
    await expect(hasher.verify('correct horse', fakeHash('16'))).rejects.toThrow(/longer than 50 ms/);
    const stuck = spawned[0];
    expect(stuck).toBeDefined();
    if (stuck) await exited(stuck).catch(() => undefined);
    const slow = pool({ poolSize: 1, jobTimeoutMs: 60_000 });
    expect(await slow.verify('correct horse', await slow.hash('correct horse'))).toBe(true);
    expect(hasher.stats.workers).toBe(0);
  });

  it('rejects at once with SERVICE_UNAVAILABLE and retryAfter when the queue is full', async () => {
    const hasher = pool({ poolSize: 1, maxQueue: 1 });
    const settled: string[] = [];
    const track = <T>(name: string, promise: Promise<T>) =>
      promise.then(
        (value) => (settled.push(`${name} ok`), value),
        (error: unknown) => {
          settled.push(`${name} rejected`);
          throw error;
        },
      );
    const calls = [
      track('running', hasher.hash('first password')),
      track('queued', hasher.hash('second password')),
      track('third', hasher.hash('third password')),
      track('verify', hasher.verify('x', fakeHash('10'))),
    ];
    expect(hasher.stats).toMatchObject({ workers: 1, busy: 1, queued: 1 });
    const results = await Promise.allSettled(calls);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    // The overflow was refused before the running job finished, not after waiting in line.
    expect(settled.slice(0, 2).sort()).toEqual(['third rejected', 'verify rejected']);
    for (const result of results.slice(2)) {
      const error = (result as PromiseRejectedResult).reason as unknown;
      expect(isUserkitError(error, 'SERVICE_UNAVAILABLE')).toBe(true);
      expect(error).toMatchObject({ status: 503, retryAfter: 1, detail: 'Too many sign-ins at once; try again shortly' });
    }
    expect(spawned).toHaveLength(1);
    expect(hasher.stats).toMatchObject({ workers: 1, busy: 0, queued: 0, started: 2 });
    // The second job waited for the first one: its queue time is counted.
    expect(hasher.stats.waitMsTotal).toBeGreaterThan(0);
    // Once the queue drains, new work is accepted again.
    expect(await hasher.verify('second password', (results[1] as PromiseFulfilledResult<string>).value)).toBe(true);
  });

  it('makes hashes plain bcryptjs verifies, and verifies hashes plain bcryptjs made', async () => {
    const hasher = pool();
    const ours = await hasher.hash('correct horse battery');
    expect(bcrypt.compareSync('correct horse battery', ours)).toBe(true);
    expect(bcrypt.compareSync('wrong horse battery', ours)).toBe(false);
    const theirs = bcrypt.hashSync('analytical engine', 10);
    expect(await hasher.verify('analytical engine', theirs)).toBe(true);
    // $2a$ and $2y$ hashes (older bcrypt and PHP) of a short password are the same computation.
    expect(await hasher.verify('analytical engine', theirs.replace('$2b$', '$2a$'))).toBe(true);
    expect(await hasher.verify('analytical engine', theirs.replace('$2b$', '$2y$'))).toBe(true);
    expect(await hasher.verify('difference engine', theirs)).toBe(false);
  });

  it('rejects the job of a worker that dies, and replaces the worker for the next ones', async () => {
    const hasher = pool({ poolSize: 1, maxQueue: 4 });
    const running = hasher.hash('first password');
    const queued = hasher.hash('second password');
    const [worker] = spawned;
    await worker!.terminate(); // as if the thread crashed mid-hash
    await expect(running).rejects.toThrow(/bcrypt worker stopped/);
    const hash = await queued; // picked up by a replacement
    expect(spawned).toHaveLength(2);
    expect(await hasher.verify('second password', hash)).toBe(true);
    expect(hasher.stats).toMatchObject({ workers: 1, busy: 0, queued: 0 });
  });

  it('close() terminates the workers, rejects pending jobs, and a later call starts new workers', async () => {
    const hasher = pool({ poolSize: 1, maxQueue: 4 });
    await hasher.hash('warm up');
    const [first] = spawned;
    const firstExit = exited(first!);
    const pending = Promise.allSettled([hasher.hash('running'), hasher.verify('queued', fakeHash('10'))]);
    await hasher.close();
    expect(await firstExit).toBeTypeOf('number');
    expect(hasher.stats).toMatchObject({ workers: 0, busy: 0, queued: 0 });
    for (const result of await pending) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfter: 1 });
    }
    // Documented choice: the hasher stays usable; workers start again, lazily.
    const hash = await hasher.hash('after close');
    expect(spawned).toHaveLength(2);
    expect(await hasher.verify('after close', hash)).toBe(true);
    await hasher.close();
    await hasher.close(); // idempotent
  });

  it(
    'keeps the event loop responsive while cost-12 hashes run, unlike bcryptjs async on the main thread',
    async () => {
      const jobs = 4;
      /** Event-loop delay (ms) while `work` runs: mean, percentiles and the worst sample. */
      async function loopDelay(work: () => Promise<unknown>) {
        const histogram = monitorEventLoopDelay({ resolution: 5 });
        histogram.enable();
        await work();
        histogram.disable();
        const ms = (ns: number) => Math.round(ns / 1e4) / 100;
        return { mean: ms(histogram.mean), p50: ms(histogram.percentile(50)), p90: ms(histogram.percentile(90)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
      }
      const hasher = pool({ cost: 12, poolSize: 1 });
      await hasher.verify('warm up', bcrypt.hashSync('warm up', 4)); // start the worker outside the measurement
      const inPool = await loopDelay(() => Promise.all(Array.from({ length: jobs }, (_, i) => hasher.hash(`password ${i}`))));
      const onMain = await loopDelay(() => Promise.all(Array.from({ length: jobs }, (_, i) => bcrypt.hash(`password ${i}`, 12))));
      // Relative, never absolute. On the main thread each sample waits out bcrypt chunks (up to
      // 100 ms each by bcryptjs's design, and concurrent hashes chain theirs); in the pool the loop
      // only wakes for replies, so the pool's delays are a small fraction of the main thread's even
      // on a loaded machine. The pool's single worst sample is not asserted: one OS preemption of
      // the test process on an overloaded box says nothing about hashing.
      const seen = JSON.stringify({ inPool, onMain });
      expect(inPool.mean, seen).toBeLessThan(onMain.mean / 5);
      expect(inPool.p90, seen).toBeLessThan(onMain.p90 / 5);
      expect(inPool.p99, seen).toBeLessThan(onMain.p99 / 3);
    },
  );
});
