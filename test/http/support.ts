/**
 * Helpers shared by the HTTP suite: problem+json assertions, role seeding, and a repository that
 * fails on demand (for INTERNAL_ERROR and SERVICE_UNAVAILABLE).
 */
import type { NewUserRecord, User, UserRecord, UserRepository } from '@userkit/core';
import { request as httpRequest } from 'node:http';
import { expect } from 'vitest';
import type { HttpHarness, HttpResponse, StoreTarget } from './harness';

/** A problem+json body (SPEC 4). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string; code: string; row?: number }[];
  fields?: string[];
}

const problemKeys = ['type', 'title', 'status', 'code', 'detail'];
const optionalProblemKeys = ['errors', 'fields'];

/**
 * Asserts `res` is an RFC 9457 problem with this status and code: the problem+json media type,
 * the five required keys (strings, and `status` equal to the HTTP status), and nothing but
 * `errors` / `fields` besides them. Returns the body.
 */
export function expectProblem(res: HttpResponse<unknown>, status: number, code: string): ProblemBody {
  const summary = `${status} ${code} expected, got ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, summary).toBe(status);
  expect(res.headers.get('content-type'), summary).toMatch(/^application\/problem\+json/);
  const body = res.json as ProblemBody;
  expect(body, summary).toBeTypeOf('object');
  for (const key of problemKeys) expect(Object.keys(body), `${summary}: key ${key}`).toContain(key);
  for (const key of Object.keys(body)) expect([...problemKeys, ...optionalProblemKeys], `${summary}: unexpected key ${key}`).toContain(key);
  expect(body.code, summary).toBe(code);
  expect(body.status, summary).toBe(status);
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

/** `{ status, code }` of a response, for table-driven comparisons with readable diffs. */
export function outcome(res: HttpResponse<unknown>): number | string {
  if (res.status < 400) return res.status;
  return (res.json as Partial<ProblemBody> | undefined)?.code ?? `HTTP ${res.status}`;
}

export type SeededUser = { user: User; password: string; token: string };
export type RoleKind = 'customer' | 'admin' | 'super';

/** The record overrides that make a seeded user of this kind. */
export function roleRecord(kind: RoleKind): Partial<NewUserRecord> {
  if (kind === 'customer') return { user_type: 'customer', is_super_admin: false };
  if (kind === 'admin') return { user_type: 'admin', is_super_admin: false };
  return { user_type: 'admin', is_super_admin: true };
}

/** Seeds a live, verified user of this kind (with a token). */
export function seedAs(h: HttpHarness, kind: RoleKind, overrides: Partial<NewUserRecord> & { password?: string } = {}): Promise<SeededUser> {
  return h.seed({ ...roleRecord(kind), ...overrides });
}

/** The stored row (deleted too): for "nothing changed" checks that do not go through HTTP. */
export async function storedRow(h: HttpHarness, id: number): Promise<UserRecord | undefined> {
  return h.repository.findById(id, { includeDeleted: true });
}

/** Signs in over HTTP; returns the response. */
export function login(h: HttpHarness, email: string, password: string): Promise<HttpResponse<{ access_token: string; user: User; token_type: string; expires_in: number }>> {
  return h.request('POST', '/api/auth/login', { body: { email, password } });
}

/** A method of the repository port. */
export type RepositoryMethod = {
  [K in keyof UserRepository]: UserRepository[K] extends (...args: never[]) => unknown ? K : never;
}[keyof UserRepository];

/** Switches faults on and off for a repository made by {@link faultyStore}. */
export interface FaultControl {
  /** Makes these methods (also on the transaction-scoped repositories handed out) throw `error`. */
  fail(method: RepositoryMethod | RepositoryMethod[], error: unknown): void;
  /** Every method of the port, including any added later. */
  failAll(error: unknown): void;
  heal(): void;
}

const controls = new WeakMap<UserRepository, FaultControl>();
const everyMethod = '*';

/**
 * Wraps a repository in a proxy that delegates every method of the port (whatever it holds, so
 * the wrapper keeps up with the port) and throws the configured error instead where asked.
 */
function faultyRepository(inner: UserRepository, faults: Map<string, unknown>): UserRepository {
  const check = (name: string) => {
    if (faults.has(name)) throw faults.get(name);
    if (faults.has(everyMethod)) throw faults.get(everyMethod);
  };
  return new Proxy(inner, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      if (property === 'transaction') {
        return async (fn: (tx: UserRepository) => Promise<unknown>) => {
          check(property);
          return target.transaction((tx) => fn(faultyRepository(tx, faults)));
        };
      }
      return async (...args: unknown[]) => {
        check(property);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** A store target whose repository fails on demand (see {@link faults}). */
export function faultyStore(base: StoreTarget): StoreTarget {
  return {
    name: `${base.name} (faulty)`,
    open: async () => {
      const { repository, close } = await base.open();
      const map = new Map<string, unknown>();
      const wrapped = faultyRepository(repository, map);
      controls.set(wrapped, {
        fail: (method, error) => {
          for (const m of Array.isArray(method) ? method : [method]) map.set(m, error);
        },
        failAll: (error) => map.set(everyMethod, error),
        heal: () => map.clear(),
      });
      return { repository: wrapped, close };
    },
  };
}

/** The fault switches of a harness started over {@link faultyStore}. */
export function faults(h: HttpHarness): FaultControl {
  const control = controls.get(h.repository);
  if (!control) throw new Error('start the harness with faultyStore(store)');
  return control;
}

/** Base64url of a UTF-8 string or JSON value, as JWT segments are encoded. */
export function b64url(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The decoded payload of a JWT (no verification). */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** POSTs `body` with `Transfer-Encoding: chunked` (no Content-Length), in small pieces. */
export function postChunked(baseUrl: string, path: string, body: string): Promise<HttpResponse<unknown>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers, text, json: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 512) req.write(body.slice(i, i + 512));
    req.end();
  });
}
