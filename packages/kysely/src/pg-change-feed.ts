/**
 * The change feed over PostgreSQL `LISTEN/NOTIFY` (core's `ChangeFeed` port; docs/operations.md,
 * "Live statistics"): every instance on one database hears every instance's changes, with no other
 * service to run. It holds one dedicated connection of its own, outside the pool: a listening
 * connection must stay checked out, and PgBouncer in transaction mode cannot carry LISTEN, so give
 * it a direct URL to PostgreSQL (docs/deployment.md).
 */
import type pg from 'pg';
import { ChangeListeners, parseChangeBatch, type ChangeBatch, type ChangeFeed, type ChangeListener } from '@userkit/core/server';
import { importOptionalPeer } from './optional-peer';

export interface PgChangeFeedOptions {
  /** A PostgreSQL URL reaching the server directly (not through PgBouncer in transaction mode). */
  url: string;
  /** The NOTIFY channel; instances of one app share it. Default `userkit_changes`. */
  channel?: string;
  /** Receives connection failures; the feed reconnects by itself. Default: none. */
  onError?: (error: unknown) => void;
  /** Extra `pg.Client` settings (TLS). */
  client?: Omit<pg.ClientConfig, 'connectionString'>;
}

/**
 * Opens the feed: connects and listens before it resolves.
 *
 * @example
 * ```ts
 * const changeFeed = await PgChangeFeed.connect({ url: process.env.DATABASE_URL! });
 * const handler = createUserkitHandler({ service, tokens, changeFeed });
 * ```
 */
export class PgChangeFeed implements ChangeFeed {
  readonly #options: PgChangeFeedOptions;
  readonly #channel: string;
  readonly #listeners = new ChangeListeners();
  readonly #Client: typeof pg.Client;
  #client: pg.Client | undefined;
  #closed = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #attempts = 0;

  private constructor(options: PgChangeFeedOptions, Client: typeof pg.Client) {
    this.#options = options;
    this.#channel = options.channel ?? 'userkit_changes';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.#channel)) throw new Error('userkit: the change feed channel must be a lower-case SQL identifier');
    this.#Client = Client;
  }

  static async connect(options: PgChangeFeedOptions): Promise<PgChangeFeed> {
    const pg = await importOptionalPeer(() => import('pg'), 'PgChangeFeed', ['pg']).then((module) => module.default);
    const feed = new PgChangeFeed(options, pg.Client);
    await feed.#open();
    return feed;
  }

  async #open(): Promise<void> {
    const client = new this.#Client({ ...this.#options.client, connectionString: this.#options.url });
    client.on('notification', (message) => {
      if (message.channel !== this.#channel || message.payload === undefined) return;
      const batch = parseChangeBatch(message.payload);
      if (batch) this.#listeners.deliver(batch);
    });
    // A lost connection is reopened with backoff; changes in between are missed, and the next
    // one brings every stream up to date (what they show is read afresh).
    client.on('error', (error) => {
      this.#options.onError?.(error);
      this.#reconnect(client);
    });
    client.on('end', () => this.#reconnect(client));
    await client.connect();
    await client.query(`LISTEN ${this.#channel}`);
    this.#client = client;
    this.#attempts = 0;
  }

  #reconnect(client: pg.Client): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => {});
    const delay = Math.min(30_000, 250 * 2 ** this.#attempts++);
    this.#retry = setTimeout(() => {
      this.#open().catch((error: unknown) => {
        this.#options.onError?.(error);
        this.#client = client; // lets #reconnect schedule the next attempt
        this.#reconnect(client);
      });
    }, delay);
    this.#retry.unref?.();
  }

  async publish(batch: ChangeBatch): Promise<void> {
    const client = this.#client;
    if (!client) throw new Error('userkit: the change feed is reconnecting to PostgreSQL');
    await client.query('SELECT pg_notify($1, $2)', [this.#channel, JSON.stringify(batch)]);
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end();
  }
}
