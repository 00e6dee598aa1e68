/**
 * The request log: one record per request with the route pattern and request id, security events
 * derived from outcomes, and nothing but whitelisted fields.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { JwtTokens } from './jwt-tokens';
import { MemoryMailer } from './mailer';
import { MemoryUserRepository } from './memory-user-repository';
import type { PasswordHasher } from './password-hasher';
import { createUserkitHandler } from './request-handler';
import { requestIdOf, type RequestEvent, type RequestLogger } from './request-log';
import { UserService } from './user-service';

const hasher: PasswordHasher = { hash: async (p) => `plain$${p}`, verify: async (p, h) => h === `plain$${p}`, needsRehash: () => false };

interface Line {
  level: 'info' | 'warn' | 'error';
  object: Record<string, unknown>;
  message: string | undefined;
}

let lines: Line[];
let events: RequestEvent[];
let repository: MemoryUserRepository;
let tokens: JwtTokens;

const capture: RequestLogger = {
  info: (object, message) => lines.push({ level: 'info', object: object as Record<string, unknown>, message }),
  warn: (object, message) => lines.push({ level: 'warn', object: object as Record<string, unknown>, message }),
  error: (object, message) => lines.push({ level: 'error', object: object as Record<string, unknown>, message }),
};

beforeEach(() => {
  lines = [];
  events = [];
  repository = new MemoryUserRepository();
  tokens = new JwtTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256-0123' });
});

function handler() {
  const service = new UserService({ repository, mailer: new MemoryMailer(), hasher });
  return createUserkitHandler({ service, tokens, onError: () => {}, logger: capture, onRequestComplete: (event) => events.push(event) });
}

async function seed(userType: 'admin' | 'customer') {
  const now = new Date();
  const user = await repository.insert({
    email: `${userType}@example.com`,
    password_hash: 'plain$correct horse battery',
    user_type: userType,
    status: 'active',
    email_verified: true,
    created_at: now,
    updated_at: now,
  });
  return { user, token: (await tokens.issue(user)).access_token };
}

const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('request log', () => {
  it('writes one line per request with the route pattern, status, user and request id, and answers the id', async () => {
    const h = handler();
    const customer = await seed('customer');
    const response = await h.fetch(new Request(`http://localhost/api/users/${customer.user.id}?secret=x`, { headers: { authorization: `Bearer ${customer.token}`, 'x-request-id': 'abc-123' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('abc-123');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', message: 'GET /users/{id} 200' });
    expect(Object.keys(lines[0]!.object).sort()).toEqual(['durationMs', 'method', 'reqId', 'route', 'status', 'userId']);
    expect(lines[0]!.object).toMatchObject({ reqId: 'abc-123', method: 'GET', route: '/users/{id}', status: 200, userId: customer.user.id });
    expect(events[0]).toMatchObject({ requestId: 'abc-123', routeName: 'getUser', status: 200 });
  });

  it('generates an id when the incoming one is missing or malformed', async () => {
    const h = handler();
    const bad = await h.fetch(new Request('http://localhost/api/health', { headers: { 'x-request-id': 'has spaces\tand tabs' } }));
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf('x'.repeat(129))).not.toBe('x'.repeat(129));
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined));
  });

  it('derives security events: sign-in failed, token rejected, permission denied, throttled, export by whom', async () => {
    const h = handler();
    const customer = await seed('customer');
    const admin = await seed('admin');
    await h.fetch(json('/auth/login', { email: 'customer@example.com', password: 'wrong password 1' }));
    await h.fetch(new Request('http://localhost/api/users/me', { headers: { authorization: 'Bearer not-a-token' } }));
    await h.fetch(new Request('http://localhost/api/users/me')); // no credentials: not an event
    await h.fetch(new Request('http://localhost/api/users', { headers: { authorization: `Bearer ${customer.token}` } }));
    await h.fetch(new Request('http://localhost/api/users/export?format=csv', { headers: { authorization: `Bearer ${admin.token}` } }));
    for (let i = 0; i < 12; i += 1) await h.fetch(json('/auth/login', { email: 'customer@example.com', password: 'wrong password 2' }));
    const security = lines.filter((line) => line.level === 'warn').map((line) => line.object);
    expect(security[0]).toMatchObject({ event: 'sign_in_failed', route: '/auth/login', code: 'INVALID_CREDENTIALS' });
    expect(security.map((s) => s['event'])).toEqual(expect.arrayContaining(['sign_in_failed', 'token_rejected', 'permission_denied', 'users_exported', 'throttled']));
    expect(security.filter((s) => s['event'] === 'token_rejected')).toHaveLength(1);
    expect(security.find((s) => s['event'] === 'permission_denied')).toMatchObject({ userId: customer.user.id, route: '/users' });
    expect(security.find((s) => s['event'] === 'users_exported')).toMatchObject({ userId: admin.user.id });
    // Never the password, the token or the query of a request.
    const text = JSON.stringify(lines);
    for (const secret of ['wrong password', customer.token, admin.token, 'format=csv']) expect(text).not.toContain(secret);
  });
});
