/**
 * The oracles themselves, on hand-made exchanges: each property must catch what it is about (a
 * fuzz run that passes because its checks are blind proves nothing) and must not cry wolf on
 * answers that are fine.
 */
import { describe, expect, it } from 'vitest';
import { violations } from './oracles';
import type { RawResponse } from './send';
import type { SentRequest, Snapshot, World } from './world';

const plaintext = 'Fz-seed-abc123-customer1-1!';
const storedHash = `test$${'ab'.repeat(32)}`;

function fakeWorld(clientDigits: string[] = []): World {
  return {
    plaintexts: new Set([plaintext]),
    hashes: new Set([storedHash]),
    clientDigits: new Set(clientDigits),
    errors: [],
    h: { mailer: { messages: [{ to: 'a@example.com', subject: 's', text: 't', code: '654321' }] } },
  } as unknown as World;
}

const request = (method: string, path: string): SentRequest => ({ method, path, headers: {}, strings: [], preview: '' });
const response = (status: number, body: unknown, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8', ...headers },
  text: typeof body === 'string' ? body : JSON.stringify(body),
  ms: 1,
});
const problem = (status: number, code: string, extra: object = {}) => ({ type: `https://userkit.dev/problems/${code.toLowerCase()}`, title: 't', status, code, detail: 'd', ...extra });

const row = { id: 7, email: 'a@example.com', password_hash: storedHash, verification_attempts: 0, version: 3, credits: 0 };
const snapshot = (over: Partial<typeof row> = {}, activity = '1'): Snapshot => ({
  entries: new Map([
    ['user:7', JSON.stringify({ ...row, ...over })],
    ['activity:7', activity],
  ]),
  users: new Map(),
});

const user = {
  id: 7,
  email: 'a@example.com',
  user_type: 'customer',
  status: 'active',
  name: null,
  username: null,
  phone: null,
  address: null,
  city: null,
  state: null,
  zip_code: null,
  country: null,
  business_site: null,
  additional_websites: [],
  business_type: null,
  lead_status: null,
  notes: null,
  is_super_admin: false,
  is_authenticated: false,
  email_verified: true,
  verification_expires: null,
  credits: 0,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  last_login: null,
  version: 3,
};

const check = (req: SentRequest, res: RawResponse, before = snapshot(), after = before, world = fakeWorld()) =>
  violations(world, { target: 'getUser', request: req, response: res }, before, after);

describe('fuzz oracles', () => {
  it('pass a well-formed success and a well-formed error', () => {
    expect(check(request('GET', '/api/users/7'), response(200, user, { etag: '"7.3"' }))).toEqual([]);
    expect(check(request('GET', '/api/users/x'), response(400, problem(400, 'VALIDATION_ERROR', { errors: [] })))).toEqual([]);
    expect(check(request('GET', '/api/users/me'), response(401, problem(401, 'UNAUTHENTICATED'), { 'www-authenticate': 'Bearer realm="userkit"' }))).toEqual([]);
  });

  it('1. catch a 5xx', () => {
    expect(check(request('GET', '/api/users/7'), response(500, problem(500, 'INTERNAL_ERROR'))).join()).toMatch(/^1\. answered 500/);
  });

  it('2. catch errors that are not problem details, or whose code and status disagree, or that the route does not declare', () => {
    const plain = { status: 400, headers: { 'content-type': 'text/plain' }, text: 'Bad Request', ms: 1 };
    expect(check(request('GET', '/api/users/7'), plain).join('\n')).toMatch(/not application\/problem\+json/);
    expect(check(request('GET', '/api/users/7'), response(400, problem(404, 'NOT_FOUND'))).join('\n')).toMatch(/≠ HTTP 400/);
    expect(check(request('GET', '/api/users/7'), response(409, problem(409, 'INSUFFICIENT_CREDITS'))).join('\n')).toMatch(/not among the errors the contract declares for getUser/);
    expect(check(request('GET', '/api/users/7'), response(400, { ...problem(400, 'VALIDATION_ERROR'), stack: 'at x' })).join('\n')).toMatch(/unexpected key stack/);
    expect(check(request('GET', '/api/users/me'), response(401, problem(401, 'UNAUTHENTICATED'))).join('\n')).toMatch(/WWW-Authenticate/);
  });

  it('3. catch secrets: a secret column with a value, a stored hash, a plaintext password, a bcrypt hash, a mailed code', () => {
    const leak = (body: unknown, headers: Record<string, string> = {}) => check(request('GET', '/api/users/7'), response(200, body, { etag: '"7.3"', ...headers })).filter((v) => v.startsWith('3.'));
    expect(leak({ ...user, token_version: 0 })).toHaveLength(1);
    expect(leak({ ...user, name: storedHash })).toHaveLength(1);
    expect(leak({ ...user, notes: `pw ${plaintext}` })).toHaveLength(1);
    expect(leak({ ...user, notes: `$2b$12$${'a'.repeat(53)}` })).toHaveLength(1);
    expect(leak({ ...user, notes: 'your code is 654321' })).toHaveLength(1);
    expect(leak(user, { 'x-debug': plaintext })).toHaveLength(1);
    // Not leaks: the code as a number, a longer digit run, a code the client itself sent, a schema naming a column.
    expect(leak({ ...user, credits: 654321 })).toEqual([]);
    expect(leak({ ...user, notes: '16543210' })).toEqual([]);
    expect(check(request('GET', '/api/users/7'), response(200, { ...user, notes: '654321' }, { etag: '"7.3"' }), snapshot(), snapshot(), fakeWorld(['654321']))).toEqual([]);
    expect(check(request('GET', '/api/openapi.json'), response(200, { properties: { password_hash: { type: 'string' } } }))).toEqual([]);
  });

  it('4. catch a 4xx that changed the store, and allow a counted wrong verification try', () => {
    const req = request('GET', '/api/users/7');
    expect(check(req, response(403, problem(403, 'FORBIDDEN')), snapshot(), snapshot({ version: 4 })).join('\n')).toMatch(/^4\. .*user:7 changed: version 3 → 4/);
    expect(check(req, response(403, problem(403, 'FORBIDDEN')), snapshot(), snapshot({}, '2')).join('\n')).toMatch(/activity:7 changed/);
    const verify = violations(fakeWorld(), { target: 'verifyEmail', request: request('POST', '/api/auth/verify-email'), response: response(400, problem(400, 'INVALID_VERIFICATION_CODE')) }, snapshot(), snapshot({ verification_attempts: 1, version: 4 }, '2'));
    expect(verify).toEqual([]);
    const verifyMore = violations(fakeWorld(), { target: 'verifyEmail', request: request('POST', '/api/auth/verify-email'), response: response(400, problem(400, 'INVALID_VERIFICATION_CODE')) }, snapshot(), snapshot({ credits: 5 }));
    expect(verifyMore.join('\n')).toMatch(/credits 0 → 5/);
  });

  it('5. catch a 2xx that breaks the success schema, status, ETag or media type', () => {
    expect(check(request('GET', '/api/users/7'), response(200, { ...user, email: 7 }, { etag: '"7.3"' })).join('\n')).toMatch(/fails its success schema/);
    expect(check(request('GET', '/api/users/7'), response(201, user, { etag: '"7.3"' })).join('\n')).toMatch(/the contract says 200/);
    expect(check(request('GET', '/api/users/7'), response(200, user, { etag: '"7.2"' })).join('\n')).toMatch(/ETag/);
    expect(check(request('GET', '/api/users/export'), response(200, 'id\r\n', { 'content-type': 'text/html' })).join('\n')).toMatch(/text\/csv or application\/x-ndjson/);
  });
});
