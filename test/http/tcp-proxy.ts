/**
 * A controllable TCP proxy on 127.0.0.1, for outage tests: put it in front of a server (e.g.
 * PostgreSQL), point the code under test at its port, then `cut()` the line and `restore()` it.
 *
 * - `cut()` resets every open connection (both sides: the client sees ECONNRESET, the server a
 *   vanished peer, so it rolls back what was in flight) and, until `restore()`, resets every new
 *   connection as soon as it is accepted. The listening socket stays open, so the port stays ours.
 * - `restore()` accepts and forwards again.
 * - `cutOnReply(pattern)` arms a precise cut: the next server-to-client chunk that contains
 *   `pattern` is dropped and the line is cut right then (e.g. PostgreSQL's `COMMIT` completion:
 *   the server has committed, the client never hears of it).
 *
 * For a PostgreSQL upstream it also counts, at each cut, the connections on which a `commit` was
 * sent and not yet answered (`stats.unansweredCommits`): transactions whose outcome the client
 * cannot know. A write sent outside a transaction (an INSERT or UPDATE that commits by itself)
 * counts alike until the server says it is ready again, also when it runs a prepared statement by
 * name only. (A byte sniff of the protocol: `commit` in a query, the names of prepared statements
 * that write, the transaction status of each ReadyForQuery.)
 *
 * Loopback only: it listens on 127.0.0.1, never on a public interface.
 *
 * @example
 * ```ts
 * const proxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
 * const port = await proxy.start();
 * // ... connect to 127.0.0.1:port ...
 * await proxy.cut();
 * proxy.restore();
 * await proxy.close();
 * ```
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxyTarget {
  host: string;
  port: number;
}

/** What the proxy has seen, for assertions ("the pool really tried to reconnect"). */
export interface TcpProxyStats {
  /** Connections accepted and forwarded. */
  forwarded: number;
  /** Connections accepted while cut, and reset at once. */
  refused: number;
  /** Open connections reset by `cut()`. */
  cut: number;
  /** Forwarded connections open right now. */
  open: number;
  /** Over all cuts: connections that had sent `commit` and not yet received its answer. */
  unansweredCommits: number;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** A `commit` (or a write outside a transaction) went upstream and its answer has not come back yet. */
  commitPending: boolean;
  /** The transaction status of the last ReadyForQuery: inside a transaction block. */
  inTransaction: boolean;
}

const commitQuery = /commit\0/i;
const commitAnswer = /(COMMIT|ROLLBACK)\0/;
const writeQuery = /\b(update|insert)\b/i;
/** Parse: 'P', length, statement name, query text (a named prepared statement is parsed once). */
const parseMessage = /P[\s\S]{4}([^\0]+)\0([^\0]+)\0/g;
/** Bind: 'B', length, portal name, statement name (a prepared statement run again by name only). */
const bindMessage = /B[\s\S]{4}[^\0]*\0([^\0]+)\0/g;
/** ReadyForQuery: 'Z', length 5, then the transaction status ('I' idle, 'T' in a block, 'E' failed block). */
// eslint-disable-next-line no-control-regex -- the protocol's length bytes are control characters
const readyForQuery = /Z\0\0\0\x05([ITE])/g;

/** Resets a socket (RST) when the platform can, otherwise just destroys it. */
function hardClose(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** Writes `chunk` on, pausing the source while the destination's buffer is full. */
function forward(chunk: Buffer, to: Socket, from: Socket): void {
  if (to.destroyed) return;
  if (!to.write(chunk)) {
    from.pause();
    to.once('drain', () => from.resume());
  }
}

export class TcpProxy {
  readonly #target: TcpProxyTarget;
  readonly #pairs = new Set<Pair>();
  #server: Server | undefined;
  #port = 0;
  #cut = false;
  #stats = { forwarded: 0, refused: 0, cut: 0, unansweredCommits: 0 };
  /** Names of the prepared statements that write: run by name later, their text is not on the wire. */
  #writeStatements = new Set<string>();
  #trigger: { pattern: Buffer; fired: () => void } | undefined;

  constructor(target: TcpProxyTarget) {
    this.#target = { host: target.host.replace(/^\[|\]$/g, ''), port: target.port };
  }

  /** The port it listens on (0 before `start()`). */
  get port(): number {
    return this.#port;
  }

  /** Whether the line is cut. */
  get isCut(): boolean {
    return this.#cut;
  }

  get stats(): TcpProxyStats {
    return { ...this.#stats, open: this.#pairs.size };
  }

  /** Listens on 127.0.0.1 (a free port); resolves to the port. */
  async start(): Promise<number> {
    if (this.#server) return this.#port;
    const server = createServer({ allowHalfOpen: false }, (client) => this.#accept(client));
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    this.#port = (server.address() as { port: number }).port;
    return this.#port;
  }

  #accept(client: Socket): void {
    client.on('error', () => {});
    if (this.#cut) {
      this.#stats.refused++;
      hardClose(client);
      return;
    }
    this.#stats.forwarded++;
    client.setNoDelay(true);
    const upstream = createConnection({ host: this.#target.host, port: this.#target.port });
    upstream.setNoDelay(true);
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream, commitPending: false, inTransaction: false };
    this.#pairs.add(pair);
    const teardown = () => {
      if (!this.#pairs.delete(pair)) return;
      hardClose(client);
      hardClose(upstream);
    };
    client.on('close', teardown);
    upstream.on('close', teardown);
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      for (const [, name, query] of text.matchAll(parseMessage)) if (name && query && writeQuery.test(query)) this.#writeStatements.add(name);
      const runsWrite = [...text.matchAll(bindMessage)].some(([, name]) => name !== undefined && this.#writeStatements.has(name));
      if (commitQuery.test(text) || (!pair.inTransaction && (writeQuery.test(text) || runsWrite))) pair.commitPending = true;
      forward(chunk, upstream, client);
    });
    upstream.on('data', (chunk: Buffer) => {
      const trigger = this.#trigger;
      if (trigger && chunk.includes(trigger.pattern)) {
        this.#trigger = undefined;
        void this.cut().then(trigger.fired);
        return;
      }
      const text = chunk.toString('latin1');
      if (commitAnswer.test(text)) pair.commitPending = false;
      const status = [...text.matchAll(readyForQuery)].at(-1)?.[1];
      if (status !== undefined) {
        pair.inTransaction = status !== 'I';
        pair.commitPending = false;
      }
      forward(chunk, client, upstream);
    });
  }

  /**
   * Cuts the line: resets every open connection and every new one until {@link restore}. Resolves
   * once every open connection is closed on the proxy's side.
   */
  async cut(): Promise<void> {
    this.#cut = true;
    const closing: Promise<void>[] = [];
    for (const pair of [...this.#pairs]) {
      this.#pairs.delete(pair);
      this.#stats.cut++;
      if (pair.commitPending) this.#stats.unansweredCommits++;
      for (const socket of [pair.client, pair.upstream]) {
        if (!socket.destroyed) closing.push(new Promise((resolve) => socket.once('close', () => resolve())));
        hardClose(socket);
      }
    }
    await Promise.all(closing);
  }

  /**
   * Arms a precise cut: the next chunk from the server that contains `pattern` is not forwarded;
   * the line is cut instead (as {@link cut}). Resolves once that happened.
   */
  cutOnReply(pattern: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      this.#trigger = { pattern: typeof pattern === 'string' ? Buffer.from(pattern, 'latin1') : pattern, fired: resolve };
    });
  }

  /** Accepts and forwards connections again. */
  restore(): void {
    this.#cut = false;
  }

  /** Resets every connection and stops listening. */
  async close(): Promise<void> {
    this.#trigger = undefined;
    await this.cut();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
