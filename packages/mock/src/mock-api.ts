/**
 * The mock API: msw handlers that answer with the real core — same contract, validation, policy,
 * errors and ETags as the server — over an in-memory repository.
 *
 * Everything with state (repository, mailer, service, token signer, rate-limit counts) lives in one
 * `MockState`; `reset()` swaps in a fresh one, so nothing of a previous test can leak into the next.
 */
import { type NewUserRecord, type User } from '@userkit/core';
import { JwtTokens, MemoryMailer, MemoryRateLimitStore, MemoryUserRepository, UserService, createUserkitHandler, type PasswordHasher, type UserkitHandler, type UserkitHandlerOptions } from '@userkit/core/server';
import { http, type HttpHandler } from 'msw';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const randomHex = (n: number) => hex(globalThis.crypto.getRandomValues(new Uint8Array(n)));
const sha256 = async (text: string) => hex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));

/**
 * A fast hasher for the mock only (the mock never holds real passwords): SHA-256 with a salt.
 * The real server uses bcrypt.
 */
class MockPasswordHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    const salt = randomHex(8);
    return `mock$${salt}$${await sha256(salt + password)}`;
  }
  async verify(password: string, hash: string): Promise<boolean> {
    const [, salt, digest] = hash.split('$');
    return salt !== undefined && digest === (await sha256(salt + password));
  }
  needsRehash(): boolean {
    return false;
  }
}

export interface MockApiOptions {
  /** The API base URL the app under test calls, e.g. `https://api.example.com` or `http://localhost:3000/api`. */
  baseUrl: string;
  /** The email base URL, if different from `baseUrl` (register, verify-email, resend-verification, forgot-password, reset-password go there). */
  emailBaseUrl?: string;
  /**
   * Handler options to override (rate limits, body limit…). A `rateLimitStore` given here is yours:
   * `reset()` cannot empty it.
   */
  handler?: Partial<Omit<UserkitHandlerOptions, 'service' | 'tokens'>>;
  /**
   * The data every test starts from: runs once at creation and again after every `reset()`. The
   * handlers wait for it, so the first request already sees the seeded users.
   */
  seed?: (api: MockApi) => Promise<void> | void;
  /**
   * Called with every unexpected error, i.e. one the API answers as 500 INTERNAL_ERROR (a bug, or a
   * repository method a test made throw). Default: `console.error` with the error itself, so its
   * stack and `cause` are shown. The mock never swallows one silently.
   */
  onUnhandledError?: (error: unknown) => void;
  /**
   * How passwords are hashed. Default: a fast salted SHA-256 (the mock never holds real
   * passwords); `@userkit/mock/browser` passes bcrypt so hashes look like the server's.
   */
  hasher?: PasswordHasher;
}

/** A seeded user: the public user, its password and a valid token. */
export interface SeededUser {
  user: User;
  password: string;
  token: string;
}

export interface MockApi {
  /** Pass to `setupServer(...handlers)` (Node) or `setupWorker(...handlers)` (browser). They survive `reset()`. */
  handlers: HttpHandler[];
  /** The current service. `reset()` replaces it: read it from `api` rather than keeping it. */
  readonly service: UserService;
  /** The current in-memory repository. `reset()` replaces it: read it from `api` rather than keeping it. */
  readonly repository: MemoryUserRepository;
  /** Every message the API "sent"; `mailer.lastCodeFor(email)` gives a verification code. Replaced by `reset()`. */
  readonly mailer: MemoryMailer;
  /** Creates a user directly (any role), e.g. `seedUser({ user_type: 'admin', is_super_admin: true })`. */
  seedUser(overrides?: Partial<NewUserRecord> & { password?: string }): Promise<SeededUser>;
  /** A valid token for a user id. */
  tokenFor(userId: number): Promise<string>;
  /**
   * Back to the start: an empty store, the `seed` run again, no rate-limit counts, no remembered
   * tokens (tokens issued before no longer verify: the signing secret is new). Call it in
   * `beforeEach` or `afterEach`.
   */
  reset(): Promise<void>;
  /** Settles once the seed has run (after creation or the latest `reset()`); rejects if it failed. */
  ready(): Promise<void>;
}

/** Everything that a reset replaces. */
interface MockState {
  repository: MemoryUserRepository;
  mailer: MemoryMailer;
  service: UserService;
  tokens: JwtTokens;
  handlers: UserkitHandler[];
  seeded: Promise<void>;
}

let counter = 0;
const fastHasher = new MockPasswordHasher();

function reportToConsole(error: unknown): void {
  // The error object itself, not its message: the console shows its stack and `cause`.
  console.error('@userkit/mock: unexpected error, answered 500 INTERNAL_ERROR:', error);
}

/**
 * @example
 * ```ts
 * const api = createMockApi({
 *   baseUrl: 'https://api.example.com',
 *   seed: (api) => api.seedUser({ email: 'admin@example.com', password: 'admin password', user_type: 'admin', is_super_admin: true }),
 * });
 * const server = setupServer(...api.handlers);
 * beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
 * afterEach(() => api.reset());
 * ```
 */
export function createMockApi(options: MockApiOptions): MockApi {
  const onError = options.onUnhandledError ?? options.handler?.onError ?? reportToConsole;
  const hasher = options.hasher ?? fastHasher;
  const bases = [...new Set([options.baseUrl, options.emailBaseUrl ?? options.baseUrl])].map((base) => new URL(base));

  function freshState(): MockState {
    const repository = new MemoryUserRepository();
    const mailer = new MemoryMailer();
    const service = new UserService({ repository, mailer, hasher });
    const tokens = new JwtTokens({ secret: randomHex(32) });
    const rateLimitStore = options.handler?.rateLimitStore ?? new MemoryRateLimitStore();
    const handlers = bases.map((url) =>
      createUserkitHandler({ ...options.handler, service, tokens, rateLimitStore, onError, basePath: url.pathname.replace(/\/+$/, '') || '/api' }),
    );
    return { repository, mailer, service, tokens, handlers, seeded: Promise.resolve() };
  }

  let state = freshState();

  async function tokenFor(userId: number): Promise<string> {
    const user = await state.repository.findById(userId);
    if (!user) throw new Error(`No user ${userId}`);
    return (await state.tokens.issue(user)).access_token;
  }

  async function seedUser(overrides: Partial<NewUserRecord> & { password?: string } = {}): Promise<SeededUser> {
    const { password = `mock-password-${++counter}`, ...rest } = overrides;
    const now = new Date();
    const record = await state.repository.insert({
      email: `user${counter}@mock.example`,
      password_hash: await hasher.hash(password),
      user_type: 'customer',
      status: 'active',
      email_verified: true,
      created_at: now,
      updated_at: now,
      ...rest,
    });
    const superActor = { id: 0, user_type: 'admin' as const, is_super_admin: true };
    return { user: await state.service.get(superActor, record.id), password, token: await tokenFor(record.id) };
  }

  const api: MockApi = {
    handlers: bases.map((url, index) =>
      // Every request reaches the mock from 127.0.0.1; outside the API, msw passes it through.
      http.all(`${url.origin}${url.pathname.replace(/\/+$/, '')}/*`, async ({ request }) => {
        const current = state;
        await current.seeded;
        const handler = current.handlers[index];
        if (!handler) throw new Error('@userkit/mock: no handler for this base URL');
        return handler.fetch(request, { remoteAddress: '127.0.0.1', next: () => undefined });
      }),
    ),
    get service() {
      return state.service;
    },
    get repository() {
      return state.repository;
    },
    get mailer() {
      return state.mailer;
    },
    seedUser,
    tokenFor,
    async reset() {
      state = freshState();
      state.seeded = runSeed();
      await state.seeded;
    },
    ready: () => state.seeded,
  };

  async function runSeed(): Promise<void> {
    if (!options.seed) return;
    try {
      await options.seed(api);
    } catch (error) {
      onError(error);
      throw error;
    }
  }

  state.seeded = runSeed();
  // A failed seed is reported through onUnhandledError and by every request; this keeps it from
  // also being an unhandled rejection when nobody awaits ready().
  state.seeded.catch(() => {});
  return api;
}
