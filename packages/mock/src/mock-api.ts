/**
 * The mock API: msw handlers that answer with the real core — same contract, validation, policy,
 * errors and ETags as the server — over an in-memory repository.
 */
import {
  JwtTokens,
  MemoryMailer,
  MemoryUserRepository,
  UserService,
  createUserkitHandler,
  type NewUserRecord,
  type PasswordHasher,
  type User,
  type UserkitHandlerOptions,
} from '@userkit/core';
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
  /** Handler options to override (rate limits, body limit…). */
  handler?: Partial<Omit<UserkitHandlerOptions, 'service' | 'tokens'>>;
}

/** A seeded user: the public user, its password and a valid token. */
export interface SeededUser {
  user: User;
  password: string;
  token: string;
}

export interface MockApi {
  /** Pass to `setupServer(...handlers)` (Node) or `setupWorker(...handlers)` (browser). */
  handlers: HttpHandler[];
  service: UserService;
  repository: MemoryUserRepository;
  /** Every message the API "sent"; `mailer.lastCodeFor(email)` gives a verification code. */
  mailer: MemoryMailer;
  /** Creates a user directly (any role), e.g. `seedUser({ user_type: 'admin', is_super_admin: true })`. */
  seedUser(overrides?: Partial<NewUserRecord> & { password?: string }): Promise<SeededUser>;
  /** A valid token for a user id. */
  tokenFor(userId: number): Promise<string>;
}

let counter = 0;

/**
 * @example
 * ```ts
 * const api = createMockApi({ baseUrl: 'https://api.example.com' });
 * const server = setupServer(...api.handlers);
 * server.listen();
 * const admin = await api.seedUser({ user_type: 'admin', is_super_admin: true });
 * const client = createUserClient({ baseUrl: 'https://api.example.com', token: admin.token });
 * ```
 */
export function createMockApi(options: MockApiOptions): MockApi {
  const repository = new MemoryUserRepository();
  const mailer = new MemoryMailer();
  const hasher = new MockPasswordHasher();
  const service = new UserService({ repository, mailer, hasher });
  const tokens = new JwtTokens({ secret: randomHex(32) });
  const handlers: HttpHandler[] = [];
  for (const base of new Set([options.baseUrl, options.emailBaseUrl ?? options.baseUrl])) {
    const url = new URL(base);
    const basePath = url.pathname.replace(/\/+$/, '') || '/api';
    const handler = createUserkitHandler({ service, tokens, onError: () => {}, ...options.handler, basePath });
    handlers.push(
      // Every request reaches the mock from 127.0.0.1; outside the API, msw passes it through.
      http.all(`${url.origin}${url.pathname.replace(/\/+$/, '')}/*`, ({ request }) => handler.fetch(request, { remoteAddress: '127.0.0.1', next: () => undefined })),
    );
  }

  async function tokenFor(userId: number): Promise<string> {
    const user = await repository.findById(userId);
    if (!user) throw new Error(`No user ${userId}`);
    return (await tokens.issue(user)).access_token;
  }

  async function seedUser(overrides: Partial<NewUserRecord> & { password?: string } = {}): Promise<SeededUser> {
    const { password = `mock-password-${++counter}`, ...rest } = overrides;
    const now = new Date();
    const record = await repository.insert({
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
    return { user: await service.get(superActor, record.id), password, token: await tokenFor(record.id) };
  }

  return { handlers, service, repository, mailer, seedUser, tokenFor };
}
