/**
 * End-to-end flows of `createUserClient` against real Hono and Express servers over HTTPS (the
 * client sends email-related calls only to https://, docs/api.md#email-routes-over-https-only), over every store of
 * `storeTargets()`; then the client's transport behaviour (tokens, abort, timeout, network errors,
 * retries, configuration errors) against tiny servers on 127.0.0.1.
 */
import type { ServerResponse } from 'node:http';
import {
  ApiError,
  ConfigurationError,
  NetworkError,
  TimeoutError,
  createUserClient,
  describeError,
  isApiError,
  isConfigurationError,
  isNetworkError,
  isTimeoutError,
  type ListUsersQueryInput,
  type User,
  type UserClientOptions,
} from '@userkit/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { adapters, closedPort, recordingFetch, startHttpsHarness, startTinyServer, storeTargets, type HttpsHarness, type TinyServer } from './https-harness';

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The codes along an error's `cause` chain (e.g. ECONNREFUSED under a NetworkError). */
function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let e = error as { cause?: unknown; code?: unknown } | undefined, depth = 0; e && depth < 10; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Once per file: a database target keeps one migrated database for the file and empties it on each open. */
const stores = storeTargets();

describe.each(adapters)('the client against a real %s server over HTTPS', (adapter) => {
  describe.each(stores)('over $name', (store) => {
    let h: HttpsHarness;
    /** A client for this server (everything over HTTPS unless options say otherwise). */
    const client = (options: Partial<UserClientOptions> = {}) => createUserClient({ baseUrl: h.apiUrl, fetch: h.fetch, retries: 0, ...options });

    beforeAll(async () => {
      h = await startHttpsHarness(adapter, store);
    });
    afterAll(async () => {
      await h?.close();
    });
    afterEach(() => {
      expect(h.unexpectedErrors, 'the server answered INTERNAL_ERROR').toEqual([]);
    });

    it('session mode: sign in → the access token is ended server-side → one refresh, the call retried → reset password → the session is over', async () => {
      const email = `session-${adapter}@example.com`;
      const password = 'a sturdy passphrase';
      const changes: unknown[] = [];
      const api = client({ session: { mode: 'bearer', onSessionChange: (s) => changes.push(s) } });
      await api.register({ body: { email, password } });
      await api.verifyEmail({ body: { email, code: h.mailer.lastCodeFor(email)! } });
      const signedIn = await api.login({ body: { email, password } });
      expect(signedIn.refresh_token).toBeTruthy();
      expect(api.session).toMatchObject({ accessToken: signedIn.access_token, refreshToken: signedIn.refresh_token });
      // A token without a live session: every concurrent call meets a 401, one refresh renews it.
      const other = await client().login({ body: { email, password } });
      const otherApi = client({ session: { mode: 'bearer', initial: { accessToken: 'not-a-token', refreshToken: other.refresh_token!, expiresAt: 0 } } });
      const [a, b] = await Promise.all([otherApi.me(), otherApi.listMySessions()]);
      expect(a.email).toBe(email);
      expect(b.items.filter((s) => s.current)).toHaveLength(1);
      expect(otherApi.session?.refreshToken).not.toBe(other.refresh_token);
      await api.forgotPassword({ body: { email } });
      await vi.waitFor(() => expect(h.mailer.messages.some((m) => m.to === email && /reset/i.test(m.subject))).toBe(true));
      await api.resetPassword({ body: { email, code: h.mailer.lastCodeFor(email)!, new_password: 'a new sturdy passphrase' } });
      expect(isApiError(await rejection(api.me()), 'UNAUTHENTICATED')).toBe(true);
      expect(api.session).toBeNull();
      expect(changes.at(-1)).toBeNull();
    });

    it('customer: register → verify → sign in → me → update with If-Match → stale If-Match → change password → old token rejected', async () => {
      const email = `flow-${adapter}@example.com`;
      const password = 'a sturdy passphrase';
      let token: string | undefined;
      const onUnauthenticated = vi.fn();
      const recorder = recordingFetch(() => h.fetch);
      // The development setup of docs/api.md#email-routes-over-https-only: the API over plain HTTP, email calls to the HTTPS "production" URL.
      const api = client({ baseUrl: `${h.baseUrl}/api`, emailBaseUrl: h.apiUrl, fetch: recorder.fetch, token: () => token, onUnauthenticated });

      const { user: registered } = await api.register({ body: { email: email.toUpperCase(), password, name: 'Flow' } });
      expect(registered).toMatchObject({ email, status: 'pending', email_verified: false, user_type: 'customer' });
      expect(recorder.last()).toMatchObject({ method: 'POST', url: `${h.apiUrl}/auth/register`, status: 201 });

      const code = h.mailer.lastCodeFor(email);
      expect(code).toMatch(/^\d{6}$/);
      const { user: verified } = await api.verifyEmail({ body: { email, code: code ?? '' } });
      expect(verified).toMatchObject({ id: registered.id, status: 'active', email_verified: true });
      expect(recorder.last()?.url).toBe(`${h.apiUrl}/auth/verify-email`);

      const session = await api.login({ body: { email, password } });
      expect(session).toMatchObject({ token_type: 'Bearer', expires_in: 900, user: { id: registered.id } });
      expect(recorder.last()?.url).toBe(`${h.baseUrl}/api/auth/login`);
      token = session.access_token;

      const me = await api.me();
      expect(me).toMatchObject({ id: registered.id, email, status: 'active' });
      expect(me.last_login).not.toBeNull();
      expect(recorder.last()?.headers.get('etag')).toBe(`"${me.id}.${me.version}"`);

      const updated = await api.updateUser({ id: me.id, body: { city: 'Lisbon', phone: '+351 912 345 678' }, ifMatch: me });
      expect(updated).toMatchObject({ id: me.id, city: 'Lisbon', phone: '+351 912 345 678' });
      expect(updated.version).toBeGreaterThan(me.version);
      expect(recorder.last()?.headers.get('etag')).toBe(`"${me.id}.${updated.version}"`);

      const stale = await rejection(api.updateUser({ id: me.id, body: { city: 'Porto' }, ifMatch: me }));
      expect(stale).toBeInstanceOf(ApiError);
      expect(isApiError(stale, 'PRECONDITION_FAILED')).toBe(true);
      expect(stale).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED' });
      expect(describeError(stale)).toMatchObject({ code: 'PRECONDITION_FAILED', title: 'Changed by someone else' });
      expect(await api.getUser({ id: me.id })).toMatchObject({ city: 'Lisbon', version: updated.version });
      // The ETag string of the fresh read works as well as the user object.
      expect(await api.updateUser({ id: me.id, body: { city: 'Porto' }, ifMatch: `"${me.id}.${updated.version}"` })).toMatchObject({ city: 'Porto' });

      expect(isApiError(await rejection(api.listUsers({})), 'FORBIDDEN')).toBe(true);

      const oldToken = token;
      const withOldToken = client({ token: oldToken, onUnauthenticated });
      await api.changePassword({ id: me.id, body: { current_password: password, new_password: 'another sturdy passphrase' } });
      expect(recorder.last()).toMatchObject({ method: 'POST', status: 204 });
      expect(onUnauthenticated).not.toHaveBeenCalled();

      const revoked = await rejection(withOldToken.me());
      expect(revoked).toBeInstanceOf(ApiError);
      expect(revoked).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(onUnauthenticated).toHaveBeenCalledTimes(1);
      expect(onUnauthenticated).toHaveBeenCalledWith(revoked);
      expect(describeError(revoked)).toMatchObject({ title: 'Please sign in' });

      expect(isApiError(await rejection(api.login({ body: { email, password } })), 'INVALID_CREDENTIALS')).toBe(true);
      token = (await api.login({ body: { email, password: 'another sturdy passphrase' } })).access_token;
      expect((await api.me()).id).toBe(me.id);
      expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    });

    it('admin: creates a customer (201), lists with filters and cursor paging, deletes', async () => {
      const root = await h.seed({ user_type: 'admin', is_super_admin: true, email: `root-${adapter}@example.com` });
      // 20 users whose emails and names differ only in two digits, so every collation orders them alike.
      const seeded: User[] = [];
      for (let i = 0; i < 20; i++) {
        const kind = i % 5;
        const record =
          kind <= 2 ? { user_type: 'customer' as const, status: 'active' as const }
          : kind === 3 ? { user_type: 'customer' as const, status: 'pending' as const, email_verified: false }
          : i < 10 ? { user_type: 'admin' as const, status: 'active' as const }
          : { user_type: 'customer' as const, status: 'suspended' as const };
        seeded.push((await h.seed({ ...record, email: `pagingtest-${pad(i)}@example.com`, name: `Paging ${pad(i)}` })).user);
      }
      await h.seed({ email: 'outsider@example.com', name: 'Outsider' });

      const recorder = recordingFetch(() => h.fetch);
      const admin = client({ token: root.token, fetch: recorder.fetch });

      /** Every page of a query, checking each page's total and the cursor chain. */
      async function allPages(query: ListUsersQueryInput): Promise<{ items: User[]; pages: number }> {
        const items: User[] = [];
        let cursor: string | undefined;
        let pages = 0;
        let total: number | undefined;
        do {
          const page = await admin.listUsers({ query: { ...query, ...(cursor ? { cursor } : {}) } });
          pages++;
          total ??= page.total;
          expect(page.total, 'total is the same on every page').toBe(total);
          expect(page.items.length).toBeLessThanOrEqual(Number(query.limit ?? 20));
          items.push(...page.items);
          cursor = page.next_cursor ?? undefined;
          expect(pages, 'paging does not end').toBeLessThan(50);
        } while (cursor);
        expect(items.length, 'total matches what paging returned').toBe(total);
        expect(new Set(items.map((u) => u.id)).size, 'no user twice').toBe(items.length);
        return { items, pages };
      }

      const activeCustomers = seeded.filter((u) => u.user_type === 'customer' && u.status === 'active');
      const byName = await allPages({ q: 'PAGINGTEST', user_type: 'customer', status: 'active', sort: 'name', limit: 5 });
      expect(byName.pages).toBe(3);
      expect(byName.items.map((u) => u.name)).toEqual(activeCustomers.map((u) => u.name));

      const byEmailDesc = await allPages({ q: 'pagingtest', sort: '-email', limit: 7 });
      expect(byEmailDesc.items.map((u) => u.email)).toEqual(seeded.map((u) => u.email).reverse());

      // Every seeded row has the same created_at (the harness clock stands still): paging must still
      // be complete and without duplicates when the sort key ties.
      const tied = await allPages({ q: 'pagingtest', sort: '-created_at', limit: 3 });
      expect(tied.items.map((u) => u.id).sort((a, b) => a - b)).toEqual(seeded.map((u) => u.id).sort((a, b) => a - b));

      const suspended = await allPages({ q: 'pagingtest', status: 'suspended', sort: 'email' });
      expect(suspended.items.map((u) => u.name)).toEqual(['Paging 14', 'Paging 19']);
      const admins = await allPages({ q: 'pagingtest', user_type: 'admin', sort: '-name' });
      expect(admins.items.map((u) => u.name)).toEqual(['Paging 09', 'Paging 04']);
      expect((await admin.listUsers({ query: { q: 'no-such-user-anywhere' } })).items).toEqual([]);

      const invalid = await rejection(admin.listUsers({ query: { sort: 'password_hash' as never, limit: 0 } }));
      expect(isApiError(invalid, 'VALIDATION_ERROR')).toBe(true);
      expect((invalid as ApiError).errors.map((e) => e.path).sort()).toEqual(['limit', 'sort']);

      const created = await admin.createUser({ body: { email: `created-${adapter}@example.com`, password: 'a created passphrase', name: 'Created', lead_status: 'lead' } });
      expect(created).toMatchObject({ user_type: 'customer', status: 'active', lead_status: 'lead', name: 'Created' });
      const createdExchange = recorder.last();
      expect(createdExchange).toMatchObject({ method: 'POST', url: `${h.apiUrl}/users`, status: 201 });
      expect(createdExchange?.headers.get('location')).toMatch(new RegExp(`/api/users/${created.id}$`));
      expect(createdExchange?.headers.get('etag')).toBe(`"${created.id}.${created.version}"`);
      expect((await admin.listUsers({ query: { q: `created-${adapter}@` } })).items.map((u) => u.id)).toEqual([created.id]);

      expect(await admin.deleteUser({ id: created.id })).toBeUndefined();
      expect(recorder.last()).toMatchObject({ method: 'DELETE', status: 204 });
      const gone = await rejection(admin.getUser({ id: created.id }));
      expect(gone).toBeInstanceOf(ApiError);
      expect(isApiError(gone, 'NOT_FOUND')).toBe(true);
      expect(gone).toMatchObject({ status: 404 });
      expect((await admin.listUsers({ query: { q: `created-${adapter}@` } })).items).toEqual([]);
      // The email stays reserved (docs/api.md#users: a soft delete keeps the email reserved).
      expect(isApiError(await rejection(admin.createUser({ body: { email: `created-${adapter}@example.com`, password: 'a created passphrase' } })), 'EMAIL_TAKEN')).toBe(true);
    });

    it('takes the token as a string, a function, or an async function, read on every call', async () => {
      const a = await h.seed();
      const b = await h.seed();
      expect((await client({ token: a.token }).me()).id).toBe(a.user.id);
      expect((await client({ token: () => a.token }).me()).id).toBe(a.user.id);
      expect((await client({ token: async () => (await new Promise((r) => setTimeout(r, 5)), a.token) }).me()).id).toBe(a.user.id);

      let current: string | null = a.token;
      const source = vi.fn(async () => current);
      const rotating = client({ token: source });
      expect((await rotating.me()).id).toBe(a.user.id);
      current = b.token;
      expect((await rotating.me()).id).toBe(b.user.id);
      expect(source).toHaveBeenCalledTimes(2);

      current = null;
      const onUnauthenticated = vi.fn();
      const signedOut = await rejection(client({ token: () => current, onUnauthenticated }).me());
      expect(signedOut).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    });

    it('reports a weak new password on the new_password field, where a change-password form shows it', async () => {
      const a = await h.seed({ password: 'the current passphrase' });
      const api = client({ token: a.token });
      for (const body of [{ current_password: 'the current passphrase', new_password: 'short' }, { current_password: 'the current passphrase', new_password: a.user.email }]) {
        const error = await rejection(api.changePassword({ id: a.user.id, body }));
        expect(isApiError(error, 'WEAK_PASSWORD')).toBe(true);
        expect(Object.keys(describeError(error).fields), 'field messages of the change-password form').toEqual(['new_password']);
      }
    });

    it('rejects with an AbortError for an aborted signal', async () => {
      const a = await h.seed();
      const error = await rejection(client({ token: a.token }).me({}, { signal: AbortSignal.abort() }));
      expect(error).toMatchObject({ name: 'AbortError' });
      expect(isApiError(error) || isNetworkError(error) || isTimeoutError(error)).toBe(false);
    });
  });
});

describe('client transport behaviour (tiny servers on 127.0.0.1)', () => {
  const servers: TinyServer[] = [];
  const tiny = async (...args: Parameters<typeof startTinyServer>) => {
    const server = await startTinyServer(...args);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  const neverAnswers = () => tiny(() => {});
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const unavailable = json(503, { type: 'about:blank', title: 'Service unavailable', status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'The database is unreachable' }, { 'retry-after': '0' });

  it('surfaces a timeout as TimeoutError (client option and per call)', async () => {
    const server = await neverAnswers();
    let started = Date.now();
    const error = await rejection(createUserClient({ baseUrl: server.apiUrl, timeout: 300 }).health());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(isTimeoutError(error)).toBe(true);
    expect(describeError(error)).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(5_000);

    started = Date.now();
    const perCall = await rejection(createUserClient({ baseUrl: server.apiUrl }).health({}, { timeout: 200 }));
    expect(perCall).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('aborts a call in flight with its AbortSignal (an AbortError, not a timeout)', async () => {
    const server = await neverAnswers();
    const controller = new AbortController();
    const started = Date.now();
    const call = createUserClient({ baseUrl: server.apiUrl, timeout: 10_000 }).health({}, { signal: controller.signal });
    await vi.waitFor(() => expect(server.requests.length).toBe(1));
    controller.abort();
    const error = await rejection(call);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(isTimeoutError(error) || isNetworkError(error)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("rejects an aborted call with its signal's reason (AbortSignal.timeout, a custom reason), never as a NetworkError", async () => {
    const server = await neverAnswers();
    const api = createUserClient({ baseUrl: server.apiUrl, timeout: 10_000 });

    const timeoutSignal = AbortSignal.timeout(100);
    const timedOut = await rejection(api.health({}, { signal: timeoutSignal }));
    expect(isNetworkError(timedOut), `${String(timedOut)} (cause: ${String((timedOut as Error).cause)})`).toBe(false);
    expect(timedOut === timeoutSignal.reason || timedOut instanceof TimeoutError).toBe(true);

    const controller = new AbortController();
    const reason = new Error('the user left the page');
    setTimeout(() => controller.abort(reason), 100);
    const aborted = await rejection(api.health({}, { signal: controller.signal }));
    expect(isNetworkError(aborted), `${String(aborted)} (cause: ${String((aborted as Error).cause)})`).toBe(false);
    expect(aborted).toBe(reason);
  });

  it('surfaces a refused connection as NetworkError', async () => {
    const port = await closedPort();
    const error = await rejection(createUserClient({ baseUrl: `http://127.0.0.1:${port}/api` }).health());
    expect(error).toBeInstanceOf(NetworkError);
    expect(isNetworkError(error)).toBe(true);
    expect(causeCodes(error)).toContain('ECONNREFUSED');
    expect(describeError(error)).toMatchObject({ code: 'NETWORK', title: 'No connection', retryable: true });
  });

  it('retries a GET after a 503, but never a POST', async () => {
    const server = await tiny((req, res, index) => {
      if (index === 0) return unavailable(res);
      if (req.method === 'GET') return json(200, { status: 'ok' })(res);
      return json(200, { access_token: 'x', token_type: 'Bearer', expires_in: 3600, user: {} })(res);
    });
    const api = createUserClient({ baseUrl: server.apiUrl });
    expect(await api.health()).toEqual({ status: 'ok' });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/health', 'GET /api/health']);

    const post = await tiny((_req, res) => unavailable(res));
    const error = await rejection(createUserClient({ baseUrl: post.apiUrl }).login({ body: { email: 'a@example.com', password: 'whatever it is' } }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: 0 });
    expect(describeError(error)).toMatchObject({ retryable: true });
    expect(post.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/auth/login']);
  });

  it('refuses an http:// emailBaseUrl at creation', () => {
    const create = () => createUserClient({ baseUrl: 'http://127.0.0.1:3000/api', emailBaseUrl: 'http://api.example.com' });
    expect(create).toThrow(ConfigurationError);
    expect(create).toThrow(/https/);
    let error: unknown;
    try {
      create();
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect(describeError(error)).toMatchObject({ code: 'CONFIGURATION', retryable: false });
  });

  it('refuses email calls, without sending them, when no https email URL is configured', async () => {
    const server = await tiny((_req, res) => json(200, {})(res));
    // A plain-HTTP host that is not loopback: the requests would cross a network unencrypted.
    const api = createUserClient({ baseUrl: 'http://api.example.test/api', fetch: (input, init) => globalThis.fetch(server.apiUrl, init) });
    expect(api.emailBaseUrl).toBeUndefined();
    for (const call of [
      () => api.register({ body: { email: 'a@example.com', password: 'a sturdy passphrase' } }),
      () => api.verifyEmail({ body: { email: 'a@example.com', code: '123456' } }),
      () => api.resendVerification({ body: { email: 'a@example.com' } }),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/emailBaseUrl/);
    }
    expect(server.requests).toEqual([]);
    // An https base URL serves email calls too.
    expect(createUserClient({ baseUrl: 'https://api.example.com' }).emailBaseUrl).toBe('https://api.example.com');
  });

  it('sends email calls over plain http to a loopback dev server', async () => {
    const server = await tiny((_req, res) => json(202, { status: 'accepted', detail: 'If the account exists, a code is on its way' })(res));
    const api = createUserClient({ baseUrl: server.apiUrl });
    expect(api.emailBaseUrl).toBe(server.apiUrl);
    await api.resendVerification({ body: { email: 'a@example.com' } });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/auth/resend-verification']);
  });
});
