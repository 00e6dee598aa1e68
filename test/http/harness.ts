/**
 * The shared HTTP harness: one real server per test (Hono or Express on 127.0.0.1, a free port)
 * over a fresh store (memory, PGlite, or PostgreSQL when DATABASE_URL is set), talked to with fetch.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type NewUserRecord, type User } from '@userkit/core';
import { JwtTokens, ManualClock, MemoryMailer, MemoryUserRepository, UserService, type UserkitHandlerOptions, type UserRepository } from '@userkit/core/server';
import { createUserkitMiddleware } from '@userkit/express';
import { createUserkitApp } from '@userkit/hono';
import { databaseTargets, testStoreEnabled } from '@userkit/kysely/testing';
import express from 'express';
import { afterEach, beforeEach, describe } from 'vitest';
import { rememberCodes, rememberPasswords, scanForSecrets } from '../secret-scan';
import { FastTestHasher } from './fast-hasher';

export type AdapterName = 'hono' | 'express';
export interface StoreTarget {
  name: string;
  open(): Promise<{ repository: UserRepository; close(): Promise<void> }>;
}

/** memory, PGlite, and PostgreSQL when DATABASE_URL is set. */
export function storeTargets(): StoreTarget[] {
  return [
    ...(testStoreEnabled('memory') ? [{ name: 'memory', open: async () => ({ repository: new MemoryUserRepository(), close: async () => {} }) }] : []),
    ...databaseTargets().map((t) => ({ name: t.name, open: t.open })),
  ];
}

export const adapters: AdapterName[] = ['hono', 'express'];

export const secret = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** What {@link describeEachTarget} hands the tests of one adapter over one store. */
export interface TargetContext {
  adapter: AdapterName;
  store: StoreTarget;
  /**
   * The harness of the running test, as started by {@link start} or {@link startEach}, and closed
   * after the test. Use it only inside tests and hooks: reading it before a start throws.
   */
  h: HttpHarness;
  /**
   * Starts the running test's harness, with handler options and (say, a wrapped one) a store; a
   * harness the test started before is closed first.
   */
  start(extra?: Partial<UserkitHandlerOptions>, store?: StoreTarget): Promise<HttpHarness>;
  /** Starts a plain harness before each test. */
  startEach(): void;
}

/**
 * Declares the suite `<name> on <adapter>` › `over <store>` for every adapter and store target
 * (`stores` narrows them; called once per adapter, as each adapter gets its own databases), with
 * one harness per test, closed after it.
 *
 * @example
 * ```ts
 * describeEachTarget('routes', ({ h, startEach }) => {
 *   startEach();
 *   it('answers', async () => expect((await h.request('GET', '/api/health')).status).toBe(200));
 * });
 * ```
 */
export function describeEachTarget(name: string, body: (target: TargetContext) => void, options: { stores?: () => StoreTarget[] } = {}): void {
  describe.each(adapters)(`${name} on %s`, (adapter) => {
    describe.each((options.stores ?? storeTargets)())('over $name', (store) => {
      let current: HttpHarness | undefined;
      const stop = async () => {
        await current?.close();
        current = undefined;
      };
      const start = async (extra: Partial<UserkitHandlerOptions> = {}, target: StoreTarget = store) => {
        await stop();
        return (current = await startHarness(adapter, target, extra));
      };
      afterEach(stop);
      body({ adapter, store, h: runningHarness(() => current), start, startEach: () => beforeEach(async () => void (await start())) });
    });
  });
}

/** A stand-in for the harness `get` returns when it is read (each test starts its own). */
function runningHarness(get: () => HttpHarness | undefined): HttpHarness {
  return new Proxy({} as HttpHarness, {
    get(_target, key) {
      const harness = get();
      if (harness) return harness[key as keyof HttpHarness];
      // Not a thenable: `await` and vitest may probe for `then` before a test starts a harness.
      if (key === 'then') return undefined;
      throw new Error(`no harness running (reading ${String(key)}): call start() in the test, or startEach()`);
    },
  });
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  /** Sent as is, instead of JSON.stringify(body). */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Local (source) address of the connection, e.g. `127.0.0.2`: the server sees it as the client address. */
  localAddress?: string;
}

export interface HttpHarness {
  adapter: AdapterName;
  baseUrl: string;
  service: UserService;
  repository: UserRepository;
  mailer: MemoryMailer;
  clock: ManualClock;
  tokens: JwtTokens;
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** Inserts a user directly (any role) with a password; returns the user and a token. */
  seed(overrides?: Partial<NewUserRecord> & { password?: string }): Promise<{ user: User; password: string; token: string }>;
  close(): Promise<void>;
}

let seq = 0;

export async function startHarness(
  adapter: AdapterName,
  store: StoreTarget,
  extra: Partial<UserkitHandlerOptions> = {},
  setup: { /** Express only: install express.json() before userkit, as many host apps do. */ expressJson?: boolean } = {},
): Promise<HttpHarness> {
  const { repository, close: closeStore } = await store.open();
  const mailer = new MemoryMailer();
  const clock = new ManualClock(new Date());
  const hasher = new FastTestHasher();
  const service = new UserService({ repository, mailer, hasher, clock, codeSecret: secret });
  const tokens = new JwtTokens({ secret, clock });
  // Unexpected errors are answered as INTERNAL_ERROR; what reaches the log must hold no secret either.
  const onError = (error: unknown) => scanForSecrets(error instanceof Error ? `${error.name}: ${error.message}` : String(error), 'an onError log line');
  const options: UserkitHandlerOptions = { service, tokens, onError, ...extra };

  let server: Server;
  if (adapter === 'hono') {
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: createUserkitApp(options).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
  } else {
    const app = express();
    if (setup.expressJson) app.use(express.json());
    app.use(createUserkitMiddleware(options));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    let body: string | Uint8Array | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    // node:http rather than fetch: it lets tests set Host and send any bytes.
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${baseUrl}${path}`, { method, headers, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
          try {
            rememberCodes(mailer.messages);
            // Passwords the API accepted count as secrets from here on (rejected inputs may be anything).
            if ((res.statusCode ?? 0) < 300) rememberPasswords(opts.body);
            scanForSecrets(`${[...responseHeaders].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}`, `${method} ${path} → ${res.statusCode}`);
          } catch (error) {
            reject(error);
            return;
          }
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json: json as T });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async function seed(overrides: Partial<NewUserRecord> & { password?: string } = {}) {
    const { password = `pass-${++seq}-word-long`, ...rest } = overrides;
    const record = await repository.insert({
      email: `seed${++seq}-${Math.random().toString(36).slice(2, 8)}@example.com`,
      password_hash: await hasher.hash(password),
      user_type: 'customer',
      status: 'active',
      email_verified: true,
      created_at: clock.now(),
      updated_at: clock.now(),
      ...rest,
    });
    const { access_token } = await tokens.issue(record);
    const user = await service.get({ id: record.id, user_type: 'admin', is_super_admin: true }, record.id);
    return { user, password, token: access_token };
  }

  return {
    adapter,
    baseUrl,
    service,
    repository,
    mailer,
    clock,
    tokens,
    request,
    seed,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeStore();
    },
  };
}
