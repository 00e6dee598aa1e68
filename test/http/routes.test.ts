/**
 * Every route of the contract, at least once, with its success status and body shape (docs/api.md#routes).
 */
import { contract, loginResponseSchema, userEnvelopeSchema, userPageSchema, userSchema, type User } from '@userkit/core';
import { expect, it, vi } from 'vitest';
import { describeEachTarget } from './harness';
import { expectProblem, login, seedAs, storedRow } from './support';

const userKeys = Object.keys(userSchema.shape).sort();

/** Asserts `value` is a wire user with exactly the fields of `userSchema`. */
function expectWireUser(value: unknown): User {
  expect(Object.keys(value as object).sort()).toEqual(userKeys);
  return userSchema.parse(value);
}

type Page = { items: User[]; next_cursor: string | null; total: number };

describeEachTarget('routes', ({ h, startEach }) => {
  startEach();

  it('POST /auth/register → 201 { user }, a pending customer, and a code by mail', async () => {
    const res = await h.request<{ user: User }>('POST', '/api/auth/register', {
      body: { email: '  New.Person@Example.COM ', password: 'a sturdy passphrase', name: 'New Person', additional_websites: ['https://a.example'] },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.json)).toEqual(['user']);
    userEnvelopeSchema.parse(res.json);
    const user = expectWireUser(res.json.user);
    expect(user).toMatchObject({ email: 'new.person@example.com', status: 'pending', user_type: 'customer', is_super_admin: false, email_verified: false, credits: 0 });
    expect(user.additional_websites).toEqual(['https://a.example']);
    expect(h.mailer.lastCodeFor('new.person@example.com')).toMatch(/^\d{6}$/);
  });

  it('POST /auth/login → 200 { access_token, token_type, expires_in, refresh_token, user } and sets last_login', async () => {
    const { user, password } = await seedAs(h, 'customer');
    expect(user.last_login).toBeNull();
    const res = await login(h, user.email.toUpperCase(), password);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type', 'user']);
    loginResponseSchema.parse(res.json);
    expect(res.json.token_type).toBe('Bearer');
    expect(res.json.expires_in).toBe(900);
    expect(res.json.access_token.split('.')).toHaveLength(3);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(expectWireUser(res.json.user).last_login).toBe(h.clock.now().toISOString());
    const me = await h.request<User>('GET', '/api/users/me', { token: res.json.access_token });
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(user.id);
  });

  it('a pending user may sign in and edit its profile before verifying', async () => {
    const reg = await h.request<{ user: User }>('POST', '/api/auth/register', { body: { email: 'pending@example.com', password: 'a sturdy passphrase' } });
    const signIn = await login(h, 'pending@example.com', 'a sturdy passphrase');
    expect(signIn.status).toBe(200);
    expect(signIn.json.user.status).toBe('pending');
    const edit = await h.request<User>('PUT', `/api/users/${reg.json.user.id}`, { token: signIn.json.access_token, body: { name: 'Still Pending' } });
    expect(edit.status).toBe(200);
    expect(edit.json).toMatchObject({ name: 'Still Pending', status: 'pending' });
  });

  it('POST /auth/verify-email → 200 { user }: verified and active', async () => {
    await h.request('POST', '/api/auth/register', { body: { email: 'verify@example.com', password: 'a sturdy passphrase' } });
    const code = h.mailer.lastCodeFor('verify@example.com');
    const res = await h.request<{ user: User }>('POST', '/api/auth/verify-email', { body: { email: 'Verify@Example.com', code } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(['user']);
    expect(expectWireUser(res.json.user)).toMatchObject({ email_verified: true, status: 'active', verification_expires: null });
  });

  it('POST /auth/resend-verification → 202 with the same body whether or not the email exists', async () => {
    await h.request('POST', '/api/auth/register', { body: { email: 'resend@example.com', password: 'a sturdy passphrase' } });
    const verified = await seedAs(h, 'customer');
    const first = h.mailer.lastCodeFor('resend@example.com');
    const sentBefore = h.mailer.messages.length;

    const known = await h.request('POST', '/api/auth/resend-verification', { body: { email: 'resend@example.com' } });
    const unknown = await h.request('POST', '/api/auth/resend-verification', { body: { email: 'nobody@example.com' } });
    const alreadyVerified = await h.request('POST', '/api/auth/resend-verification', { body: { email: verified.user.email } });
    for (const res of [known, unknown, alreadyVerified]) {
      expect(res.status).toBe(202);
      expect(res.json).toEqual({ status: 'accepted', detail: expect.any(String) });
      expect(res.text).toBe(known.text);
      expect(res.headers.get('content-type')).toBe(known.headers.get('content-type'));
    }
    // Only the unverified account got mail (sent after the answer), and the new code replaced the old one.
    await vi.waitFor(() => expect(h.mailer.messages.length).toBeGreaterThan(sentBefore));
    expect(h.mailer.messages.slice(sentBefore).map((m) => m.to)).toEqual(['resend@example.com']);
    const second = h.mailer.lastCodeFor('resend@example.com');
    expect(second).toMatch(/^\d{6}$/);
    if (first !== second) {
      expectProblem(await h.request('POST', '/api/auth/verify-email', { body: { email: 'resend@example.com', code: first } }), 400, 'INVALID_VERIFICATION_CODE');
    }
    expect((await h.request('POST', '/api/auth/verify-email', { body: { email: 'resend@example.com', code: second } })).status).toBe(200);
  });

  it('PUT of a new email resets email_verified and mails a code to the new address, unless an admin sets it', async () => {
    const customer = await seedAs(h, 'customer');
    const changed = await h.request<User>('PUT', `/api/users/${customer.user.id}`, { token: customer.token, body: { email: 'Moved@Example.com' } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ email: 'moved@example.com', email_verified: false });
    const code = h.mailer.lastCodeFor('moved@example.com');
    expect(code).toMatch(/^\d{6}$/);
    const verified = await h.request<{ user: User }>('POST', '/api/auth/verify-email', { body: { email: 'moved@example.com', code } });
    expect(verified.status).toBe(200);
    expect(verified.json.user.email_verified).toBe(true);
    expect((await login(h, 'moved@example.com', customer.password)).status).toBe(200);
    expectProblem(await login(h, customer.user.email, customer.password), 401, 'INVALID_CREDENTIALS');

    const admin = await seedAs(h, 'admin');
    const other = await seedAs(h, 'customer');
    const set = await h.request<User>('PUT', `/api/users/${other.user.id}`, { token: admin.token, body: { email: 'vouched@example.com', email_verified: true } });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ email: 'vouched@example.com', email_verified: true });
  });

  it('GET /users/me → 200 with the caller and its ETag', async () => {
    const { user, token } = await seedAs(h, 'admin');
    const res = await h.request<User>('GET', '/api/users/me', { token });
    expect(res.status).toBe(200);
    expect(expectWireUser(res.json)).toEqual(user);
    expect(res.headers.get('etag')).toBe(`"${user.id}.${user.version}"`);
  });

  it('GET /users → { items, next_cursor, total, total_capped } with search, filters and sort', async () => {
    const admin = await seedAs(h, 'admin', { name: 'Zed Admin' });
    const t0 = h.clock.now();
    h.clock.advance(60_000);
    const alice = await seedAs(h, 'customer', { name: 'alice', email: 'alice@shop.example', lead_status: 'lead', phone: '+1 555 0100' });
    h.clock.advance(60_000);
    const bob = await seedAs(h, 'customer', { name: 'Bob', username: 'BobTheBuilder', lead_status: 'qualified', business_site: 'https://builds.example' });
    h.clock.advance(60_000);
    const t3 = h.clock.now();
    const carol = await seedAs(h, 'customer', { name: 'carol', username: 'carol_x', business_site: 'https://c.example/50%off', status: 'pending', email_verified: false });
    const token = admin.token;
    const list = async (query: string) => {
      const res = await h.request<Page>('GET', `/api/users${query}`, { token });
      expect(res.status, `${query}: ${res.text.slice(0, 200)}`).toBe(200);
      userPageSchema.parse(res.json);
      expect(Object.keys(res.json).sort()).toEqual(['items', 'next_cursor', 'total', 'total_capped']);
      return res.json;
    };
    const ids = (page: Page) => page.items.map((u) => u.id);

    const all = await list('');
    expect(all.total).toBe(4);
    expect(all.next_cursor).toBeNull();
    all.items.forEach(expectWireUser);
    expect(ids(all), 'default sort: newest first').toEqual([carol.user.id, bob.user.id, alice.user.id, admin.user.id]);

    // q: case-insensitive substring of email, name, username, phone, business_site.
    expect(ids(await list('?q=ALICE@SHOP'))).toEqual([alice.user.id]);
    expect(ids(await list('?q=BOBTHE'))).toEqual([bob.user.id]);
    expect(ids(await list('?q=thebuilder'))).toEqual([bob.user.id]);
    expect(ids(await list('?q=555%200100'))).toEqual([alice.user.id]);
    expect(ids(await list('?q=BUILDS.example'))).toEqual([bob.user.id]);
    expect((await list('?q=no-such-person')).total).toBe(0);
    // LIKE wildcards and the escape character are matched literally.
    expect(ids(await list('?q=%25'))).toEqual([carol.user.id]);
    expect(ids(await list('?q=_'))).toEqual([carol.user.id]);
    expect(ids(await list('?q=0%25o'))).toEqual([carol.user.id]);
    expect((await list('?q=%5C')).total).toBe(0);

    // Filters.
    expect(ids(await list('?user_type=admin'))).toEqual([admin.user.id]);
    expect(ids(await list('?status=pending'))).toEqual([carol.user.id]);
    expect(ids(await list('?lead_status=qualified'))).toEqual([bob.user.id]);
    expect(ids(await list('?email_verified=false'))).toEqual([carol.user.id]);
    expect((await list('?email_verified=true')).total).toBe(3);
    expect(ids(await list(`?created_after=${encodeURIComponent(t3.toISOString())}`))).toEqual([carol.user.id]);
    expect(new Set(ids(await list(`?created_before=${encodeURIComponent(t3.toISOString())}&created_after=${encodeURIComponent(t0.toISOString())}`)))).toEqual(
      new Set([admin.user.id, alice.user.id, bob.user.id]),
    );
    expect(ids(await list('?user_type=customer&status=active&email_verified=true'))).toEqual([bob.user.id, alice.user.id]);

    // Sort.
    expect((await list('?sort=name')).items.map((u) => u.name)).toEqual(['alice', 'Bob', 'carol', 'Zed Admin']);
    expect((await list('?sort=-name')).items.map((u) => u.name)).toEqual(['Zed Admin', 'carol', 'Bob', 'alice']);
    expect(ids(await list('?sort=created_at'))).toEqual([admin.user.id, alice.user.id, bob.user.id, carol.user.id]);
    expect((await list('?sort=email')).items.map((u) => u.email)).toEqual([...all.items.map((u) => u.email)].sort());
  });

  it('GET /users pages with limit and cursor through every user exactly once, total stays the same', async () => {
    const admin = await seedAs(h, 'admin');
    for (let i = 0; i < 6; i++) await seedAs(h, 'customer', { name: i % 2 ? 'Same Name' : `Name ${i}` });
    for (const sort of ['-created_at', 'name', '-name', 'credits']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `?limit=3&sort=${sort}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await h.request<Page>('GET', `/api/users${query}`, { token: admin.token });
        expect(res.status, res.text).toBe(200);
        expect(res.json.items.length).toBeLessThanOrEqual(3);
        expect(res.json.total).toBe(7);
        seen.push(...res.json.items.map((u) => u.id));
        cursor = res.json.next_cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages, sort).toBe(3);
      expect(new Set(seen).size, sort).toBe(7);
      expect(seen, sort).toHaveLength(7);
    }
    const defaults = await h.request<Page>('GET', '/api/users', { token: admin.token });
    expect(defaults.json.items).toHaveLength(7);
  });

  it('GET /users rejects unknown parameters and bad values with 400 VALIDATION_ERROR naming them', async () => {
    const admin = await seedAs(h, 'admin');
    const bad: [string, string][] = [
      ['?role=admin', ''],
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=ten', 'limit'],
      ['?sort=password_hash', 'sort'],
      ['?user_type=root', 'user_type'],
      ['?email_verified=yes', 'email_verified'],
      ['?created_after=yesterday', 'created_after'],
      ['?cursor=not-a-cursor', 'cursor'],
    ];
    for (const [query, path] of bad) {
      const res = await h.request('GET', `/api/users${query}`, { token: admin.token });
      const problem = expectProblem(res, 400, 'VALIDATION_ERROR');
      expect(problem.errors?.map((e) => e.path), query).toContain(path);
    }
    // A cursor made for one sort is refused under another.
    await seedAs(h, 'customer');
    const first = await h.request<Page>('GET', '/api/users?limit=1&sort=name', { token: admin.token });
    const cursor = first.json.next_cursor ?? '';
    expectProblem(await h.request('GET', `/api/users?limit=1&sort=email&cursor=${encodeURIComponent(cursor)}`, { token: admin.token }), 400, 'VALIDATION_ERROR');
  });

  it('GET /users: a forged cursor (well-formed, with values no page made) answers 400 VALIDATION_ERROR or a page, never 500', async () => {
    const admin = await seedAs(h, 'admin');
    await seedAs(h, 'customer');
    const forge = (value: unknown[]) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged: [string, unknown[]][] = [
      ['created_at', ['created_at', 'not a date', 1]],
      ['-created_at', ['-created_at', "2026-01-01' OR 1=1 --", 1]],
      ['credits', ['credits', 'lots', 1]],
      ['-credits', ['-credits', 1e308, 1]],
      ['credits', ['credits', 2 ** 40, 1]],
      ['name', ['name', 'bob', 99_999_999_999]],
      ['email', ['email', 'a@example.com', -5]],
      ['last_login', ['last_login', 12, 1]],
    ];
    const answers: string[] = [];
    for (const [sort, value] of forged) {
      const res = await h.request<Page>('GET', `/api/users?sort=${sort}&cursor=${forge(value)}`, { token: admin.token });
      const code = (res.json as { code?: string } | undefined)?.code;
      answers.push(`${JSON.stringify(value)} → ${res.status === 200 ? 200 : `${res.status} ${code}`}`);
    }
    expect(answers.filter((a) => !/→ (200|400 VALIDATION_ERROR)$/.test(a))).toEqual([]);
  });

  it('POST /users → 201 with the user, a Location header and an ETag', async () => {
    const admin = await seedAs(h, 'admin');
    const res = await h.request<User>('POST', '/api/users', {
      token: admin.token,
      body: { email: 'Created@Example.com', password: 'a sturdy passphrase', name: 'Created', lead_status: 'lead', notes: 'from the fair', status: 'active' },
    });
    expect(res.status).toBe(201);
    const user = expectWireUser(res.json);
    expect(user).toMatchObject({ email: 'created@example.com', user_type: 'customer', status: 'active', lead_status: 'lead', notes: 'from the fair' });
    expect(res.headers.get('location')).toBe(`/api/users/${user.id}`);
    expect(res.headers.get('etag')).toBe(`"${user.id}.${user.version}"`);
    const read = await h.request<User>('GET', res.headers.get('location') ?? '', { token: admin.token });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(user);
    expect((await login(h, 'created@example.com', 'a sturdy passphrase')).status).toBe(200);
  });

  it('GET /users/:id → 200 with an ETag of the current version', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const res = await h.request<User>('GET', `/api/users/${customer.user.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(expectWireUser(res.json)).toEqual(customer.user);
    expect(res.headers.get('etag')).toBe(`"${customer.user.id}.${customer.user.version}"`);
    const own = await h.request<User>('GET', `/api/users/${customer.user.id}`, { token: customer.token });
    expect(own.json).toEqual(customer.user);
    expectProblem(await h.request('GET', '/api/users/abc', { token: admin.token }), 400, 'VALIDATION_ERROR');
    expectProblem(await h.request('GET', '/api/users/0', { token: admin.token }), 400, 'VALIDATION_ERROR');
    // Only decimal digits name a user: Number() would read these as ids.
    for (const odd of [`0x${customer.user.id.toString(16)}`, `${customer.user.id}e0`, `${customer.user.id}.0`, `%20${customer.user.id}`, '99999999999']) {
      expectProblem(await h.request('GET', `/api/users/${odd}`, { token: admin.token }), 400, 'VALIDATION_ERROR');
    }
    // Leading zeros are still the same number.
    expect((await h.request('GET', `/api/users/00${customer.user.id}`, { token: admin.token })).status).toBe(200);
    // A missing or deleted target answers 404 whether the caller is loaded with it or not.
    expectProblem(await h.request('GET', '/api/users/2147483647', { token: admin.token }), 404, 'NOT_FOUND');
    expectProblem(await h.request('GET', '/api/users/2147483647', { token: customer.token }), 403, 'FORBIDDEN');
  });

  it('PUT /users/:id is partial: fields left out stay as they are', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer', { name: 'Keep', city: 'Old Town', phone: '+351 1', lead_status: 'lead', notes: 'keep me' });
    const res = await h.request<User>('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { city: 'New Town', country: null } });
    expect(res.status).toBe(200);
    const user = expectWireUser(res.json);
    expect(user).toEqual({ ...customer.user, city: 'New Town', country: null, version: customer.user.version + 1, updated_at: user.updated_at });
    expect(res.headers.get('etag')).toBe(`"${user.id}.${user.version}"`);
    // An empty body changes nothing and keeps the version.
    const noop = await h.request<User>('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: {} });
    expect(noop.status).toBe(200);
    expect(noop.json).toEqual(user);
  });

  it('PUT /users/:id honours If-Match: match → 200 and a new ETag, mismatch → 412 and nothing changed, * → 200', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer', { city: 'Start' });
    const other = await seedAs(h, 'customer');
    const path = `/api/users/${customer.user.id}`;
    const read = await h.request('GET', path, { token: admin.token });
    const etag = read.headers.get('etag') ?? '';
    expect(etag).toBe(`"${customer.user.id}.${customer.user.version}"`);

    const matched = await h.request<User>('PUT', path, { token: admin.token, body: { city: 'First' }, headers: { 'if-match': etag } });
    expect(matched.status).toBe(200);
    const newEtag = matched.headers.get('etag');
    expect(newEtag).toBe(`"${customer.user.id}.${customer.user.version + 1}"`);
    expect(newEtag).not.toBe(etag);

    const before = await storedRow(h, customer.user.id);
    const stale: Record<string, string>[] = [
      { 'if-match': etag },
      { 'if-match': `W/${newEtag}` },
      { 'if-match': `"${other.user.id}.${other.user.version}"` },
      { 'if-match': '"garbage"' },
    ];
    for (const headers of stale) {
      const res = await h.request('PUT', path, { token: admin.token, body: { city: 'Lost update' }, headers });
      expectProblem(res, 412, 'PRECONDITION_FAILED');
      expect(res.headers.get('etag')).toBeNull();
    }
    expect(await storedRow(h, customer.user.id)).toEqual(before);

    const list = await h.request<User>('PUT', path, { token: admin.token, body: { city: 'Listed' }, headers: { 'if-match': `"1.999", ${newEtag}` } });
    expect(list.status).toBe(200);
    const star = await h.request<User>('PUT', path, { token: admin.token, body: { city: 'Star' }, headers: { 'if-match': '*' } });
    expect(star.status).toBe(200);
    expect(star.json.city).toBe('Star');
    const none = await h.request<User>('PUT', path, { token: customer.token, body: { city: 'No header' } });
    expect(none.status).toBe(200);
    expect(none.json.version).toBe(customer.user.version + 4);
  });

  it('DELETE /users/:id → 204, then 404 for admins, gone from the list, email still reserved', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const res = await h.request('DELETE', `/api/users/${customer.user.id}`, { token: admin.token });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectProblem(await h.request('GET', `/api/users/${customer.user.id}`, { token: admin.token }), 404, 'NOT_FOUND');
    expectProblem(await h.request('DELETE', `/api/users/${customer.user.id}`, { token: admin.token }), 404, 'NOT_FOUND');
    const list = await h.request<Page>('GET', '/api/users', { token: admin.token });
    expect(list.json.items.map((u) => u.id)).not.toContain(customer.user.id);
    expect(list.json.total).toBe(1);
    expectProblem(await h.request('POST', '/api/auth/register', { body: { email: customer.user.email.toUpperCase(), password: 'a sturdy passphrase' } }), 409, 'EMAIL_TAKEN');
    expectProblem(await login(h, customer.user.email, customer.password), 401, 'INVALID_CREDENTIALS');
  });

  it('POST /users/:id/password → 204 for self (with current) and for an admin on a customer (set)', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const self = await h.request('POST', `/api/users/${customer.user.id}/password`, {
      token: customer.token,
      body: { current_password: customer.password, new_password: 'my own new passphrase' },
    });
    expect(self.status).toBe(204);
    expect(self.text).toBe('');
    expect((await login(h, customer.user.email, 'my own new passphrase')).status).toBe(200);
    const set = await h.request('POST', `/api/users/${customer.user.id}/password`, { token: admin.token, body: { new_password: 'admin chosen passphrase' } });
    expect(set.status).toBe(204);
    expectProblem(await login(h, customer.user.email, 'my own new passphrase'), 401, 'INVALID_CREDENTIALS');
    expect((await login(h, customer.user.email, 'admin chosen passphrase')).status).toBe(200);
  });

  it('GET /openapi.json → an OpenAPI 3.1.0 document with every route', async () => {
    const res = await h.request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json.openapi).toBe('3.1.0');
    for (const spec of Object.values(contract)) {
      const path = spec.path.replace(/:([a-z_]+)/g, '{$1}');
      expect(res.json.paths[path], `${spec.method} ${path}`).toBeDefined();
      expect(res.json.paths[path]?.[spec.method.toLowerCase()], `${spec.method} ${path}`).toBeDefined();
    }
  });

  it('GET /health and /health/ready → 200', async () => {
    const live = await h.request('GET', '/api/health');
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: 'ok' });
    const ready = await h.request('GET', '/api/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
    expect((await h.request('GET', '/api/health/')).status).toBe(200);
  });

  it('a wrong method on a known path → 405 with Allow', async () => {
    const cases: [string, string, string[]][] = [
      ['PATCH', '/api/users/1', ['GET', 'PUT', 'DELETE']],
      ['GET', '/api/auth/login', ['POST']],
      ['DELETE', '/api/auth/register', ['POST']],
      ['PUT', '/api/users', ['GET', 'POST']],
      ['POST', '/api/health', ['GET']],
      ['GET', '/api/users/1/password', ['POST']],
    ];
    for (const [method, path, allowed] of cases) {
      const res = await h.request(method, path);
      expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
      const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim());
      for (const m of allowed) expect(allow, `${method} ${path}`).toContain(m);
      expect(allow, `${method} ${path}`).not.toContain(method);
    }
  });
});
