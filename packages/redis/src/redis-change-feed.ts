/**
 * The change feed over Redis pub/sub (core's `ChangeFeed` port; docs/operations.md, "Live
 * statistics"): for deployments that already run Redis for rate limits. Subscribing takes a
 * connection of its own (a subscribed node-redis connection runs no other command), so the feed
 * duplicates the client it is given and publishes through the original.
 */
import { ChangeListeners, parseChangeBatch, type ChangeBatch, type ChangeFeed, type ChangeListener } from '@userkit/core/server';

/** What the feed needs of a node-redis client (v5 or v6). */
export interface RedisPubSubClient {
  publish(channel: string, message: string): Promise<unknown>;
  duplicate(): RedisSubscriberClient;
}

/** The duplicated connection that subscribes. */
export interface RedisSubscriberClient {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}

export interface RedisChangeFeedOptions {
  /** A connected node-redis client; it is duplicated for the subscription. */
  client: RedisPubSubClient;
  /** Default `userkit:changes`. */
  channel?: string;
  /** Receives errors of the subscribing connection (it reconnects by itself). */
  onError?: (error: unknown) => void;
}

/**
 * @example
 * ```ts
 * const redis = await createClient({ url, disableOfflineQueue: true }).connect();
 * const changeFeed = await RedisChangeFeed.connect({ client: redis });
 * ```
 */
export class RedisChangeFeed implements ChangeFeed {
  readonly #client: RedisPubSubClient;
  readonly #subscriber: RedisSubscriberClient;
  readonly #channel: string;
  readonly #listeners = new ChangeListeners();

  private constructor(options: RedisChangeFeedOptions) {
    this.#client = options.client;
    this.#channel = options.channel ?? 'userkit:changes';
    this.#subscriber = options.client.duplicate();
    this.#subscriber.on('error', (error) => options.onError?.(error));
  }

  /** Connects the subscribing connection and subscribes before it resolves. */
  static async connect(options: RedisChangeFeedOptions): Promise<RedisChangeFeed> {
    const feed = new RedisChangeFeed(options);
    await feed.#subscriber.connect();
    await feed.#subscriber.subscribe(feed.#channel, (message) => {
      const batch = parseChangeBatch(message);
      if (batch) feed.#listeners.deliver(batch);
    });
    return feed;
  }

  async publish(batch: ChangeBatch): Promise<void> {
    await this.#client.publish(this.#channel, JSON.stringify(batch));
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  /** Closes the subscribing connection (the client it was given stays the caller's to close). */
  async close(): Promise<void> {
    await (this.#subscriber.close?.() ?? this.#subscriber.quit?.());
  }
}
