/** The CLI's password hasher: bcrypt in worker threads, counting hashes for the import's progress. */
import { availableParallelism } from 'node:os';
import { type PasswordHasher } from '@userkit/core/server';
import { WorkerPasswordHasher } from '@userkit/core/node';

/**
 * A bcrypt hash (cost 12) of a random password nobody knows, made once for this file. The
 * service's constructor hashes a dummy password so that logins with an unknown email cost as much
 * as real ones; the CLI never logs anyone in, so it gets this hash instead of ~0.7 s of CPU on
 * every command. (It would still serve: verifying against it costs the same as a real hash.)
 */
const dummyHash = '$2b$12$YGlb4aD2xaHWP6oypH8GeORik5.8OJCWd3nFAhtddjEFrAC3.aORS';

/**
 * bcrypt cost 12 in worker threads (one per core: the CLI has the machine to itself), counting the
 * hashes it makes for the import's progress. Until `counting` is turned on (right after the service
 * is constructed), the only call is the constructor's dummy hash, answered with {@link dummyHash}.
 */
export class CountingHasher implements PasswordHasher {
  readonly #inner: PasswordHasher = new WorkerPasswordHasher({ poolSize: availableParallelism() });
  counting = false;
  hashed = 0;
  onHash: (() => void) | undefined;

  async hash(password: string): Promise<string> {
    if (!this.counting) return dummyHash;
    const hash = await this.#inner.hash(password);
    this.hashed++;
    this.onHash?.();
    return hash;
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.#inner.verify(password, hash);
  }

  needsRehash(hash: string): boolean {
    return this.#inner.needsRehash(hash);
  }
}
