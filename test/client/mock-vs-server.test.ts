/**
 * The mock is only useful if it answers exactly like the server. One request script — the calls a
 * frontend makes, good and bad — runs through `createUserClient` against `@userkit/mock` (msw
 * intercepting fetch) and against real servers (Hono and Express over the memory store);
 * every step's outcome (status or error code, body, ETag, Location) must be identical once ids,
 * timestamps, tokens and cursors are normalised.
 *
 * The mock runs at the root of an `api.` host (https://api.example.test) and under a path
 * (https://example.test/api); the real servers under /api. Both are legitimate per docs/api.md#base-path-and-the-api-host.
 */
import { ApiError, createUserClient, type User, type UserClient } from '@userkit/client';
import type { NewUserRecord } from '@userkit/core';
import type { MemoryMailer } from '@userkit/core/server';
import { createMockApi } from '@userkit/mock';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingFetch, startHttpsHarness, storeTargets, type HttpsHarness, type StoreTarget } from './https-harness';

type SeedInput = Partial<NewUserRecord> & { password: string; email: string };
type Seeded = { user: User; password: string; token: string };

/** Where the script runs: a client base URL, its fetch, the outbox, and a way to seed users. */
interface Target {
  baseUrl: string;
  fetch: () => typeof fetch;
  mailer: MemoryMailer;
  seed(input: SeedInput): Promise<Seeded>;
}

/** One step as recorded: what the client saw. */
interface Outcome {
  step: string;
  /** HTTP status of the exchange, or the client error's name when there was none. */
  status: number | string;
  /** `ok`, or the API error code. */
  outcome: string;
  body: unknown;
  etag?: string | null;
  location?: string | null;
}

/** The same users, in the same order, on both sides. */
const seeds = {
  root: { email: 'root@example.com', password: 'root passphrase 1', name: 'Root', user_type: 'admin', is_super_admin: true },
  ada: { email: 'ada@example.com', password: 'ada passphrase 1', name: 'Ada', user_type: 'admin', is_super_admin: false },
  bea: { email: 'bea@example.com', password: 'bea passphrase 1', name: 'Bea', city: 'Porto', lead_status: 'lead' },
  cid: { email: 'cid@example.com', password: 'cid passphrase 1', name: 'Cid', status: 'suspended' },
} satisfies Record<string, SeedInput>;

/** What each step should answer (checked on the real server, so equal transcripts are not vacuous). */
type Expected = number | string;

/**
 * The script. Returns the transcript and, per step, what was expected.
 */
async function runScript(target: Target): Promise<{ transcript: Outcome[]; expected: Expected[]; names: Map<number, string> }> {
  const names = new Map<number, string>();
  const seeded: Record<string, Seeded> = {};
  for (const [name, input] of Object.entries(seeds)) {
    seeded[name] = await target.seed(input);
    names.set(seeded[name].user.id, name);
  }
  const { root, ada, bea } = seeded as Record<keyof typeof seeds, Seeded>;

  const recorder = recordingFetch(target.fetch);
  const make = (token?: () => string | undefined): UserClient => createUserClient({ baseUrl: target.baseUrl, fetch: recorder.fetch, retries: 0, ...(token ? { token } : {}) });
  let deeToken: string | undefined;
  const anon = make();
  const dee = make(() => deeToken);
  const admin = make(() => root.token);
  const plainAdmin = make(() => ada.token);

  const transcript: Outcome[] = [];
  const expected: Expected[] = [];
  async function step<T>(name: string, expect: Expected, call: () => Promise<T>): Promise<T | undefined> {
    const before = recorder.exchanges.length;
    expected.push(expect);
    try {
      const value = await call();
      const exchange = recorder.exchanges.length > before ? recorder.last() : undefined;
      transcript.push({ step: name, status: exchange?.status ?? 'no request', outcome: 'ok', body: value ?? null, etag: exchange?.headers.get('etag'), location: exchange?.headers.get('location') });
      return value;
    } catch (error) {
      if (error instanceof ApiError) {
        transcript.push({ step: name, status: error.status, outcome: error.code, body: { title: error.title, detail: error.detail, errors: error.errors, fields: error.fields } });
      } else {
        transcript.push({ step: name, status: error instanceof Error ? error.name : 'thrown', outcome: 'client error', body: error instanceof Error ? error.message : String(error) });
      }
      return undefined;
    }
  }

  const email = 'Dee@Example.com';
  const password = 'a sturdy passphrase';
  await step('health', 200, () => anon.health());
  await step('ready', 200, () => anon.ready());
  await step('openapi', 200, () => anon.openapi());
  await step('register: invalid fields', 'VALIDATION_ERROR', () =>
    anon.register({ body: { email: 'not-an-email', password: 'a sturdy passphrase', username: 'x', business_site: 'ftp://example.com', nickname: 'Dee' } as never }),
  );
  await step('register: weak password', 'WEAK_PASSWORD', () => anon.register({ body: { email, password: 'short' } }));
  await step('register: password equal to the email', 'WEAK_PASSWORD', () => anon.register({ body: { email, password: email.toLowerCase() } }));
  const registered = await step('register', 201, () => anon.register({ body: { email, password, name: 'Dee', city: 'Braga' } }));
  const deeId = registered?.user.id ?? -1;
  await step('register: email taken (any case)', 'EMAIL_TAKEN', () => anon.register({ body: { email: email.toUpperCase(), password } }));
  await step('login: pending user may sign in', 200, () => anon.login({ body: { email, password } }));
  const firstCode = target.mailer.lastCodeFor(email) ?? '';
  await step('verify: wrong code', 'INVALID_VERIFICATION_CODE', () => anon.verifyEmail({ body: { email, code: firstCode === '000000' ? '000001' : '000000' } }));
  await step('verify: malformed code', 'VALIDATION_ERROR', () => anon.verifyEmail({ body: { email, code: '12ab' } }));
  await step('resend verification', 202, () => anon.resendVerification({ body: { email } }));
  await step('resend verification: unknown email (same answer)', 202, () => anon.resendVerification({ body: { email: 'nobody@example.com' } }));
  await step('verify: the replaced code', 'INVALID_VERIFICATION_CODE', () => anon.verifyEmail({ body: { email, code: firstCode } }));
  await step('verify', 200, () => anon.verifyEmail({ body: { email, code: target.mailer.lastCodeFor(email) ?? '' } }));
  await step('verify: the used code again', 'INVALID_VERIFICATION_CODE', () => anon.verifyEmail({ body: { email, code: target.mailer.lastCodeFor(email) ?? '' } }));

  await step('login: wrong password', 'INVALID_CREDENTIALS', () => anon.login({ body: { email, password: 'not the password' } }));
  await step('login: unknown email', 'INVALID_CREDENTIALS', () => anon.login({ body: { email: 'nobody@example.com', password } }));
  await step('login: suspended account', 'ACCOUNT_SUSPENDED', () => anon.login({ body: { email: seeds.cid.email, password: seeds.cid.password } }));
  await step('login: invalid body', 'VALIDATION_ERROR', () => anon.login({ body: { email: '', password: '' } }));
  const session = await step('login', 200, () => anon.login({ body: { email, password } }));
  deeToken = session?.access_token;

  await step('me: no token', 'UNAUTHENTICATED', () => anon.me());
  const me = await step('me', 200, () => dee.me());
  const stale = me ?? { id: deeId, version: 0 };
  await step('update own profile with If-Match', 200, () => dee.updateUser({ id: deeId, body: { city: 'Lisbon', additional_websites: ['https://dee.example.com'] }, ifMatch: stale }));
  await step('update with a stale If-Match', 'PRECONDITION_FAILED', () => dee.updateUser({ id: deeId, body: { city: 'Faro' }, ifMatch: stale }));
  await step('update without If-Match', 200, () => dee.updateUser({ id: deeId, body: { phone: '+351 912 345 678', name: null } }));
  await step('update with an If-Match of another user', 'PRECONDITION_FAILED', () => dee.updateUser({ id: deeId, body: { city: 'Faro' }, ifMatch: `"${bea.user.id}.1"` }));
  await step('update: invalid fields', 'VALIDATION_ERROR', () => dee.updateUser({ id: deeId, body: { username: 'a', business_site: 'not a url', unknown_field: 1 } as never }));
  await step('update: crm field as a customer', 'FIELD_NOT_ALLOWED', () => dee.updateUser({ id: deeId, body: { lead_status: 'qualified' } }));
  await step('update: role field as a customer', 'FIELD_NOT_ALLOWED', () => dee.updateUser({ id: deeId, body: { user_type: 'admin', is_super_admin: true } }));
  await step('customer reads someone else', 'FORBIDDEN', () => dee.getUser({ id: bea.user.id }));
  await step('customer reads a missing id', 'FORBIDDEN', () => dee.getUser({ id: 999_999 }));
  await step('customer updates someone else', 'FORBIDDEN', () => dee.updateUser({ id: bea.user.id, body: { city: 'Nope' } }));
  await step('customer lists users', 'FORBIDDEN', () => dee.listUsers({}));
  await step('customer deletes someone', 'FORBIDDEN', () => dee.deleteUser({ id: bea.user.id }));
  await step('customer sets someone else’s password', 'FORBIDDEN', () => dee.changePassword({ id: bea.user.id, body: { new_password: 'a brand new passphrase' } }));
  await step('invalid id', 'VALIDATION_ERROR', () => admin.getUser({ id: 0 }));

  const page1 = await step('admin lists (sort email, limit 2)', 200, () => admin.listUsers({ query: { sort: 'email', limit: 2 } }));
  await step('admin lists page 2', 200, () => admin.listUsers({ query: { sort: 'email', limit: 2, cursor: page1?.next_cursor ?? '' } }));
  await step('admin lists with filters', 200, () => admin.listUsers({ query: { q: 'EXAMPLE.COM', user_type: 'customer', status: 'active', email_verified: true, sort: '-name' } }));
  await step('admin lists: invalid query', 'VALIDATION_ERROR', () => admin.listUsers({ query: { sort: 'password_hash', limit: 500, status: 'gone' } as never }));
  await step('admin reads a customer', 200, () => admin.getUser({ id: bea.user.id }));
  await step('admin reads a missing id', 'NOT_FOUND', () => admin.getUser({ id: 999_999 }));
  const beaNow = await step('admin updates a customer’s crm fields', 200, () => admin.updateUser({ id: bea.user.id, body: { lead_status: 'qualified', notes: 'Called on Monday' }, ifMatch: bea.user }));
  await step('admin sets a credits field', 'FIELD_NOT_ALLOWED', () => admin.updateUser({ id: bea.user.id, body: { credits: 100 } as never, ...(beaNow ? { ifMatch: beaNow } : {}) }));
  await step('plain admin creates an admin', 'FIELD_NOT_ALLOWED', () => plainAdmin.createUser({ body: { email: 'new-admin@example.com', password: 'an admin passphrase', user_type: 'admin' } }));
  await step('plain admin updates another admin', 'FORBIDDEN', () => plainAdmin.updateUser({ id: root.user.id, body: { city: 'Nope' } }));
  const eve = await step('admin creates a customer', 201, () => admin.createUser({ body: { email: 'eve@example.com', password: 'eve passphrase 1', name: 'Eve', lead_status: 'lead' } }));
  await step('admin creates: email taken', 'EMAIL_TAKEN', () => admin.createUser({ body: { email: 'EVE@example.com', password: 'eve passphrase 1' } }));
  await step('admin creates: invalid', 'VALIDATION_ERROR', () => admin.createUser({ body: { email: 'eve', password: '' } }));
  await step('admin deletes the customer', 204, () => admin.deleteUser({ id: eve?.id ?? -1 }));
  await step('admin reads the deleted customer', 'NOT_FOUND', () => admin.getUser({ id: eve?.id ?? -1 }));
  await step('admin deletes it again', 'NOT_FOUND', () => admin.deleteUser({ id: eve?.id ?? -1 }));
  await step('super admin deletes self', 'CANNOT_DELETE_SELF', () => admin.deleteUser({ id: root.user.id }));
  await step('admin sets a customer’s password', 204, () => admin.changePassword({ id: bea.user.id, body: { new_password: 'bea passphrase 2' } }));
  await step('the customer signs in with it', 200, () => anon.login({ body: { email: seeds.bea.email, password: 'bea passphrase 2' } }));

  await step('password change: wrong current password', 'INVALID_CURRENT_PASSWORD', () => dee.changePassword({ id: deeId, body: { current_password: 'not it at all', new_password: 'another sturdy passphrase' } }));
  await step('password change: weak new password', 'WEAK_PASSWORD', () => dee.changePassword({ id: deeId, body: { current_password: password, new_password: 'short' } }));
  await step('password change: missing current password', 'VALIDATION_ERROR', () => dee.changePassword({ id: deeId, body: { new_password: 'another sturdy passphrase' } }));
  await step('password change', 204, () => dee.changePassword({ id: deeId, body: { current_password: password, new_password: 'another sturdy passphrase' } }));
  await step('me with the revoked token', 'UNAUTHENTICATED', () => dee.me());
  await step('login with the old password', 'INVALID_CREDENTIALS', () => anon.login({ body: { email, password } }));
  const again = await step('login with the new password', 200, () => anon.login({ body: { email, password: 'another sturdy passphrase' } }));
  deeToken = again?.access_token;
  await step('me again', 200, () => dee.me());
  await step('update: the email (resets verification, sends a code)', 200, () => dee.updateUser({ id: deeId, body: { email: 'dee.new@example.com' } }));
  await step('admin suspends the customer', 200, () => admin.updateUser({ id: deeId, body: { status: 'suspended' } }));
  await step('the suspended customer’s token', 'UNAUTHENTICATED', () => dee.me());

  transcript.push({
    step: 'outbox',
    status: 'mail',
    outcome: 'ok',
    body: target.mailer.messages.map((m) => ({ to: m.to, subject: m.subject, text: m.text.replace(/\d{6}/g, '<code>'), has_code: /^\d{6}$/.test(m.code ?? '') })),
  });
  expected.push('mail');
  return { transcript, expected, names };
}

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Replaces ids (seeded users by name, others by order of appearance), timestamps, tokens, cursors, ETags and Locations. */
function normalise(transcript: Outcome[], seededNames: Map<number, string>): unknown[] {
  const names = new Map(seededNames);
  const idName = (id: number) => {
    if (!names.has(id)) names.set(id, `new-user-${names.size - seededNames.size + 1}`);
    return names.get(id);
  };
  const walk = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    if (key === 'id' && typeof value === 'number') return idName(value);
    if ((key === 'access_token' || key === 'refresh_token') && typeof value === 'string') return '<token>';
    if (key === 'next_cursor' && typeof value === 'string') return '<cursor>';
    if (key === 'etag' && typeof value === 'string') return value.replace(/^"(\d+)\.(\d+)"$/, (_, id: string, version: string) => `"${idName(Number(id))}.${version}"`);
    if (key === 'location' && typeof value === 'string') return value.replace(/\/users\/(\d+)$/, (_, id: string) => `/users/${idName(Number(id))}`);
    if (typeof value === 'string' && isoTimestamp.test(value)) return '<timestamp>';
    return value;
  };
  return transcript.map((o) => walk(o));
}

// --- the two sides --------------------------------------------------------------------------------

interface MockRun {
  result: Awaited<ReturnType<typeof runScript>>;
  /** Requests the mock did not answer (msw would have sent them to the network). */
  passedThrough: string[];
}

async function runOnMock(baseUrl: string): Promise<MockRun> {
  const api = createMockApi({ baseUrl });
  const passedThrough: string[] = [];
  // After the mock's handlers: anything they leave unanswered is recorded and fails as a network
  // error here, instead of going out to the network.
  const catchAll = http.all('*', ({ request }) => {
    passedThrough.push(`${request.method} ${request.url}`);
    return HttpResponse.error();
  });
  const server = setupServer(...api.handlers, catchAll);
  server.listen({ onUnhandledRequest: 'error' });
  try {
    const result = await runScript({ baseUrl, fetch: () => globalThis.fetch, mailer: api.mailer, seed: (input) => api.seedUser(input) });
    return { result, passedThrough };
  } finally {
    server.close();
  }
}

const mocks = [
  { label: 'the root of an api. host (https://api.example.test)', baseUrl: 'https://api.example.test' },
  { label: 'a path (https://example.test/api)', baseUrl: 'https://example.test/api' },
];

const mockRuns = new Map<string, Promise<MockRun>>();
/** Each mock runs the script once (lazily; the runs are sequential within this file). */
const mockRun = (baseUrl: string) => {
  if (!mockRuns.has(baseUrl)) mockRuns.set(baseUrl, runOnMock(baseUrl));
  return mockRuns.get(baseUrl) as Promise<MockRun>;
};

function describeServer(adapter: 'hono' | 'express', store: StoreTarget) {
  describe(`the ${adapter} server over ${store.name}`, () => {
    let h: HttpsHarness;
    let server: Awaited<ReturnType<typeof runScript>>;

    beforeAll(async () => {
      h = await startHttpsHarness(adapter, store);
      server = await runScript({ baseUrl: h.apiUrl, fetch: () => h.fetch, mailer: h.mailer, seed: (input) => h.seed(input) });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('answers every step as the script expects', () => {
      expect(h.unexpectedErrors).toEqual([]);
      expect(server.transcript.map((o) => `${o.step}: ${o.outcome === 'ok' ? o.status : o.outcome}`)).toEqual(
        server.expected.map((e, i) => `${server.transcript[i]?.step}: ${e}`),
      );
    });

    it.each(mocks)('is answered identically by the mock at $label', async ({ baseUrl }) => {
      const mock = await mockRun(baseUrl);
      expect(mock.passedThrough, `the mock at ${baseUrl} left requests unanswered (msw passes them through to the network)`).toEqual([]);
      const expected = normalise(server.transcript, server.names);
      const actual = normalise(mock.result.transcript, mock.result.names);
      // Step by step first, for a readable diff; then the whole.
      for (let i = 0; i < Math.max(expected.length, actual.length); i++) expect(actual[i], `step ${i + 1}: ${server.transcript[i]?.step}`).toEqual(expected[i]);
      expect(actual).toEqual(expected);
    });
  });
}

describe('one request script, mock and real server', () => {
  // The memory store only: the script is about the API's answers, and the database stores are
  // compared with it by the HTTP and repository suites (a migrated PGlite costs ~20 s to start).
  // To run it over every store, loop over storeTargets() here.
  // The first store: memory in `npm test`, PostgreSQL in CI's PostgreSQL-only pass.
  const store = storeTargets()[0];
  if (!store) throw new Error('storeTargets() is empty');
  describeServer('hono', store);
  describeServer('express', store);
});
