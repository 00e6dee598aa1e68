/**
 * The change feed: a port through which every instance of the API hears that users changed, so
 * live views (`GET /users/stats/stream`) refresh on all of them, not only on the one that made the
 * change (docs/operations.md, "Live statistics"; docs/deployment.md, "Live statistics on many
 * instances").
 *
 * A feed carries small notes, never data: which event happened to which user id. Listeners read
 * what they show from the database themselves. Implementations:
 *
 * - {@link MemoryChangeFeed}: one process (tests, PGlite, a single instance);
 * - `PgChangeFeed` in `@userkit/kysely`: PostgreSQL `LISTEN/NOTIFY` on a dedicated connection;
 * - `RedisChangeFeed` in `@userkit/redis`: Redis pub/sub.
 */
import type { UserEventName } from './user-events';

/** One change: a lifecycle event, the user it concerns, who caused it, and when. */
export interface LiveChange {
  event: UserEventName;
  /** The user the event is about; null for events without one (a failed sign-in). */
  user_id: number | null;
  actor_id: number | null;
  /** ISO 8601. */
  at: string;
}

/**
 * What one publish carries: the changes of a short window, at most a few dozen of them, and how
 * many more there were. A bulk import of 100 000 users is a handful of batches, not 100 000
 * notifications.
 */
export interface ChangeBatch {
  changes: LiveChange[];
  /** Changes of the window left out of `changes` (counted, not listed). */
  omitted: number;
}

/** Called with every batch published by any instance, this one included. */
export type ChangeListener = (batch: ChangeBatch) => void;

/**
 * The port. `publish` reaches the listeners of every instance sharing the feed (this one too);
 * `subscribe` registers a listener of this instance and returns the function that removes it.
 * Delivery is at most once: a listener that missed a batch (a reconnect) catches up with the next,
 * since what it shows is read afresh.
 */
export interface ChangeFeed {
  publish(batch: ChangeBatch): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
  /** Releases the feed's connection, if it has one. */
  close?(): Promise<void>;
}

/** The largest number of changes one batch lists (NOTIFY payloads stay far below 8000 bytes). */
export const maxChangesPerBatch = 20;

/** Parses a batch received from another process; undefined when it is not one. */
export function parseChangeBatch(text: string): ChangeBatch | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { changes, omitted } = value as { changes?: unknown; omitted?: unknown };
  if (!Array.isArray(changes) || typeof omitted !== 'number') return undefined;
  return { changes: changes.filter(isChange).slice(0, maxChangesPerBatch), omitted };
}

function isChange(value: unknown): value is LiveChange {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c['event'] === 'string' && (typeof c['user_id'] === 'number' || c['user_id'] === null) && typeof c['at'] === 'string';
}

/** Delivers each batch to listeners, so that one failing listener does not starve the others. */
export class ChangeListeners {
  readonly #listeners = new Set<ChangeListener>();

  add(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }

  deliver(batch: ChangeBatch): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(batch);
      } catch {
        // A listener's failure is its own (a closed stream); the others still hear the change.
      }
    }
  }
}

/**
 * The feed of one process: publish delivers to this process's listeners (asynchronously, as a
 * remote feed would). Right for a single instance and for PGlite, which one process owns.
 *
 * @example
 * ```ts
 * const handler = createUserkitHandler({ service, tokens, changeFeed: new MemoryChangeFeed() });
 * ```
 */
export class MemoryChangeFeed implements ChangeFeed {
  readonly #listeners = new ChangeListeners();

  async publish(batch: ChangeBatch): Promise<void> {
    queueMicrotask(() => this.#listeners.deliver(batch));
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }
}
