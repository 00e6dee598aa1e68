/**
 * Helpers shared by the HTTP suite: problem+json assertions, role seeding, and a repository that
 * fails on demand (for INTERNAL_ERROR and SERVICE_UNAVAILABLE).
 */
import { type NewUserRecord, type User, type UserRecord } from '@userkit/core';
import { bcryptHashPattern, type UserRepository } from '@userkit/core/server';
import bcrypt from 'bcryptjs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { expect, vi } from 'vitest';
import { FastTestHasher } from './fast-hasher';
import type { HttpHarness, HttpResponse, StoreTarget } from './harness';

/** A problem+json body (docs/errors.md#problem-details). */
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
  [K in keyof UserRepository]-?: NonNullable<UserRepository[K]> extends (...args: never[]) => unknown ? K : never;
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
        // An update that carries its activity entry writes to the activity log too: it fails with
        // it (the port makes the pair atomic; the conformance suite checks that nothing is left).
        if (property === 'update' && (args[2] as { activity?: unknown } | undefined)?.activity !== undefined) check('appendActivity');
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

/** A node:http response as the harness's {@link HttpResponse}: text, headers, JSON when it parses. */
export function collectResponse(res: IncomingMessage): Promise<HttpResponse<unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status: res.statusCode ?? 0, headers, text, json });
    });
    res.on('error', reject);
  });
}

/** POSTs `body` with `Transfer-Encoding: chunked` (no Content-Length), in small pieces. */
export function postChunked(baseUrl: string, path: string, body: string): Promise<HttpResponse<unknown>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => void collectResponse(res).then(resolve, reject));
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 512) req.write(body.slice(i, i + 512));
    req.end();
  });
}

/**
 * Sends `body` with `Transfer-Encoding: chunked` (no Content-Length), in small pieces, with any
 * method, content type and token: for limits a server can only enforce while reading (imports).
 */
export function sendChunked(
  baseUrl: string,
  method: string,
  path: string,
  body: string,
  options: { contentType: string; token?: string; chunkSize?: number },
): Promise<HttpResponse<unknown>> {
  const headers: Record<string, string> = { 'content-type': options.contentType, 'transfer-encoding': 'chunked' };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const size = options.chunkSize ?? 512;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method, headers }, (res) => void collectResponse(res).then(resolve, reject));
    // The server may answer (413) and close before the whole body is written: that is not a failure here.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    for (let i = 0; i < body.length; i += size) req.write(body.slice(i, i + size));
    req.end();
  });
}

/**
 * Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, newlines inside quotes) into
 * rows of cells. Written here, independently of the product's parser, to read exports.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV text (header row first) as one object per data row, keyed by the header. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(text);
  return rows.map((cells) => {
    expect(cells, `a CSV row has ${header.length} cells`).toHaveLength(header.length);
    return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
  });
}

/** Builds a CSV document (CRLF, every cell quoted when needed) from a header and rows. */
export function toCsv(header: string[], rows: (string | number | boolean | null | undefined)[][]): string {
  const cell = (v: string | number | boolean | null | undefined) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** NDJSON of these objects (one per line). */
export function toNdjson(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/**
 * Walks a keyset-paginated route to the end: `path` without cursor, `next_cursor` followed. Each
 * page must answer 200; `between` runs after every page (e.g. to insert rows meanwhile).
 */
export async function allPages<T>(
  h: HttpHarness,
  path: string,
  token: string,
  options: { between?: (page: number) => Promise<void>; maxPages?: number } = {},
): Promise<{ items: T[]; pages: { items: T[]; next_cursor: string | null }[] }> {
  const items: T[] = [];
  const pages: { items: T[]; next_cursor: string | null }[] = [];
  let cursor: string | null = null;
  const join = path.includes('?') ? '&' : '?';
  do {
    const res: HttpResponse<{ items: T[]; next_cursor: string | null }> = await h.request('GET', `${path}${cursor ? `${join}cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(res.status, `${path} page ${pages.length + 1}: ${res.text.slice(0, 300)}`).toBe(200);
    pages.push(res.json);
    items.push(...res.json.items);
    cursor = res.json.next_cursor;
    if (cursor && options.between) await options.between(pages.length);
  } while (cursor && pages.length < (options.maxPages ?? 200));
  expect(cursor, `${path}: more pages than expected`).toBeNull();
  return { items, pages };
}

/**
 * Makes the harness's fast test hasher also verify real bcrypt hashes, as production's bcrypt
 * hasher does: for users imported with an existing bcrypt `password_hash`. Returns the undo.
 */
export function acceptBcryptHashes(): () => void {
  const original = FastTestHasher.prototype.verify;
  const spy = vi.spyOn(FastTestHasher.prototype, 'verify').mockImplementation(async function (this: FastTestHasher, password: string, hash: string) {
    if (bcryptHashPattern.test(hash)) return bcrypt.compare(password, hash);
    return original.call(this, password, hash);
  });
  return () => spy.mockRestore();
}

/** Counts outcomes (`outcome()` of each response), e.g. `{ 200: 1, PRECONDITION_FAILED: 9 }`. */
export function tally(responses: HttpResponse<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) {
    const key = String(outcome(res));
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
