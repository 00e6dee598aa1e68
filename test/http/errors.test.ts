/**
 * Every error code the routes answer with (docs/errors.md#codes), over HTTP: status, problem+json, and the body
 * keys. Rate limits are in rate-limit.test.ts; INTERNAL_ERROR and SERVICE_UNAVAILABLE in
 * faults.test.ts; FORBIDDEN / FIELD_NOT_ALLOWED / NOT_FOUND per policy cell in policy.test.ts.
 */
import { expect, it } from 'vitest';
import { describeEachTarget, startHarness } from './harness';
import { expectProblem, login, postChunked, seedAs, storedRow } from './support';

const json = { 'content-type': 'application/json' };

describeEachTarget('error codes', ({ adapter, store, h, startEach }) => {
  startEach();

  it('VALIDATION_ERROR lists every failing path with a message and a code', async () => {
    const reg = await h.request('POST', '/api/auth/register', {
      body: {
        email: 'not-an-email',
        password: 12345678,
        username: 'x',
        phone: 'call me',
        business_site: 'javascript:alert(1)',
        additional_websites: ['https://ok.example', 'nope'],
        name: 'n'.repeat(201),
        is_admin: true,
      },
    });
    const problem = expectProblem(reg, 400, 'VALIDATION_ERROR');
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(['', 'additional_websites.1', 'business_site', 'email', 'name', 'password', 'phone', 'username']);
    for (const e of problem.errors ?? []) {
      expect(e.message.length, e.path).toBeGreaterThan(0);
      expect(e.code.length, e.path).toBeGreaterThan(0);
    }
    expect(problem.errors?.find((e) => e.path === '')?.message).toContain('is_admin');

    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const update = await h.request('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { email: 'bad', status: 'banned', lead_status: 'hot', phone: 42 } });
    expect(expectProblem(update, 400, 'VALIDATION_ERROR').errors?.map((e) => e.path).sort()).toEqual(['email', 'lead_status', 'phone', 'status']);

    const create = await h.request('POST', '/api/users', { token: admin.token, body: { name: 'No email or password' } });
    expect(expectProblem(create, 400, 'VALIDATION_ERROR').errors?.map((e) => e.path).sort()).toEqual(['email', 'password']);

    const signIn = await h.request('POST', '/api/auth/login', { body: {} });
    expect(expectProblem(signIn, 400, 'VALIDATION_ERROR').errors?.map((e) => e.path).sort()).toEqual(['email', 'password']);

    // A body that is JSON but not an object.
    for (const body of ['[]', '"text"', 'null', '42']) {
      for (const [method, path, token] of [
        ['POST', '/api/auth/register', undefined],
        ['POST', '/api/auth/login', undefined],
        ['PUT', `/api/users/${customer.user.id}`, admin.token],
        ['POST', '/api/users', admin.token],
        ['POST', `/api/users/${customer.user.id}/password`, admin.token],
      ] as const) {
        expectProblem(await h.request(method, path, { token, rawBody: body, headers: json }), 400, 'VALIDATION_ERROR');
      }
    }
    expect(await storedRow(h, customer.user.id)).toMatchObject({ email: customer.user.email, status: 'active' });
  });

  it('INVALID_JSON for a body that is not JSON, on every route with a body', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const routes = [
      ['POST', '/api/auth/register', undefined],
      ['POST', '/api/auth/login', undefined],
      ['POST', '/api/auth/verify-email', undefined],
      ['POST', '/api/auth/resend-verification', undefined],
      ['POST', '/api/users', admin.token],
      ['PUT', `/api/users/${customer.user.id}`, admin.token],
      ['POST', `/api/users/${customer.user.id}/password`, admin.token],
    ] as const;
    const before = await storedRow(h, customer.user.id);
    for (const [method, path, token] of routes) {
      for (const rawBody of ['{"email":', "{'email': 'a@b.co'}", '', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])]) {
        const res = await h.request(method, path, { token, rawBody, headers: json });
        expectProblem(res, 400, 'INVALID_JSON');
      }
    }
    expect(await storedRow(h, customer.user.id)).toEqual(before);
  });

  it('WEAK_PASSWORD: too short, over 72 UTF-8 bytes, equal to the email, or common — on register, create and password change', async () => {
    const weak = (email: string) => [
      'short7!',
      'x'.repeat(73),
      'é'.repeat(37), // 37 characters, 74 bytes
      email.toUpperCase(),
      'password123',
      'Password123',
      'ｐａｓｓｗｏｒｄ１２３', // NFKC: password123
    ];
    const kinds = weak('').length;
    for (let i = 0; i < kinds; i++) {
      const email = `weak${i}@example.com`;
      expectProblem(await h.request('POST', '/api/auth/register', { body: { email, password: weak(email)[i] } }), 400, 'WEAK_PASSWORD');
      expect(await h.repository.findByEmail(email)).toBeUndefined();
    }
    // The boundaries are accepted: exactly 8 characters, exactly 72 bytes.
    expect((await h.request('POST', '/api/auth/register', { body: { email: 'eight@example.com', password: 'k9#mQ2!z' } })).status).toBe(201);
    expect((await h.request('POST', '/api/auth/register', { body: { email: 'max@example.com', password: 'é'.repeat(36) } })).status).toBe(201);
    expect((await login(h, 'max@example.com', 'é'.repeat(36))).status).toBe(200);

    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    for (let i = 0; i < kinds; i++) {
      const email = `made${i}@example.com`;
      expectProblem(await h.request('POST', '/api/users', { token: admin.token, body: { email, password: weak(email)[i] } }), 400, 'WEAK_PASSWORD');
      expect(await h.repository.findByEmail(email)).toBeUndefined();
      const password = weak(customer.user.email)[i];
      const own = await h.request('POST', `/api/users/${customer.user.id}/password`, {
        token: customer.token,
        body: { current_password: customer.password, new_password: password },
      });
      expectProblem(own, 400, 'WEAK_PASSWORD');
      expectProblem(await h.request('POST', `/api/users/${customer.user.id}/password`, { token: admin.token, body: { new_password: password } }), 400, 'WEAK_PASSWORD');
    }
    // Nothing changed: the old password and token still work.
    expect((await h.request('GET', '/api/users/me', { token: customer.token })).status).toBe(200);
    expect((await login(h, customer.user.email, customer.password)).status).toBe(200);
  });

  it('WEAK_PASSWORD on a password change names the field that was sent (new_password), so forms can show it inline', async () => {
    const customer = await seedAs(h, 'customer');
    const admin = await seedAs(h, 'admin');
    const own = expectProblem(
      await h.request('POST', `/api/users/${customer.user.id}/password`, { token: customer.token, body: { current_password: customer.password, new_password: 'short' } }),
      400,
      'WEAK_PASSWORD',
    );
    const set = expectProblem(await h.request('POST', `/api/users/${customer.user.id}/password`, { token: admin.token, body: { new_password: 'short' } }), 400, 'WEAK_PASSWORD');
    for (const problem of [own, set]) for (const e of problem.errors ?? []) expect(e.path).toBe('new_password');
    const reg = expectProblem(await h.request('POST', '/api/auth/register', { body: { email: 'w@example.com', password: 'short' } }), 400, 'WEAK_PASSWORD');
    for (const e of reg.errors ?? []) expect(e.path).toBe('password');
  });

  it('INVALID_CURRENT_PASSWORD for a self change with a wrong current password; nothing changes', async () => {
    const customer = await seedAs(h, 'customer');
    const before = await storedRow(h, customer.user.id);
    const res = await h.request('POST', `/api/users/${customer.user.id}/password`, {
      token: customer.token,
      body: { current_password: 'not my password', new_password: 'a brand new passphrase' },
    });
    expectProblem(res, 400, 'INVALID_CURRENT_PASSWORD');
    // A plain admin changing its own password needs the current one too.
    const admin = await seedAs(h, 'admin');
    expectProblem(
      await h.request('POST', `/api/users/${admin.user.id}/password`, { token: admin.token, body: { current_password: 'wrong wrong wrong', new_password: 'a brand new passphrase' } }),
      400,
      'INVALID_CURRENT_PASSWORD',
    );
    // And the self form is required: leaving out the current password does not turn into a "set".
    expectProblem(await h.request('POST', `/api/users/${customer.user.id}/password`, { token: customer.token, body: { new_password: 'a brand new passphrase' } }), 400, 'VALIDATION_ERROR');
    expect(await storedRow(h, customer.user.id)).toEqual(before);
    expect((await h.request('GET', '/api/users/me', { token: customer.token })).status).toBe(200);
  });

  it('INVALID_VERIFICATION_CODE: wrong, for another email, used, expired, or after 5 wrong tries — all alike', async () => {
    const register = async (email: string) => {
      expect((await h.request('POST', '/api/auth/register', { body: { email, password: 'a sturdy passphrase' } })).status).toBe(201);
      return h.mailer.lastCodeFor(email) ?? '';
    };
    const verify = (email: string, code: string) => h.request('POST', '/api/auth/verify-email', { body: { email, code } });
    const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const bodies = new Set<string>();
    const refused = async (email: string, code: string) => {
      const res = await verify(email, code);
      bodies.add(expectProblem(res, 400, 'INVALID_VERIFICATION_CODE').detail);
    };

    const a = await register('a@example.com');
    await refused('a@example.com', wrong(a));
    await refused('nobody@example.com', a);
    const b = await register('b@example.com');
    await refused('a@example.com', b === a ? wrong(a) : b);
    expect((await verify('a@example.com', a)).status).toBe(200);
    await refused('a@example.com', a); // used
    // A malformed code is a validation error, not a try; b's own code still works.
    expectProblem(await verify('b@example.com', '12345'), 400, 'VALIDATION_ERROR');
    expect((await verify('b@example.com', b)).status).toBe(200);

    const c = await register('c@example.com');
    h.clock.advance(10 * 60_000 + 1_000);
    await refused('c@example.com', c); // expired

    const d = await register('d@example.com');
    for (let i = 0; i < 5; i++) await refused('d@example.com', wrong(d));
    await refused('d@example.com', d); // dead after 5 wrong tries
    expect(await storedRow(h, (await h.repository.findByEmail('d@example.com'))?.id ?? 0)).toMatchObject({ email_verified: false, status: 'pending' });
    expect(bodies.size, 'one message for every reason').toBe(1);
  });

  it('INVALID_CREDENTIALS: the same answer for an unknown email and a wrong password', async () => {
    const customer = await seedAs(h, 'customer');
    const suspended = await seedAs(h, 'customer', { status: 'suspended' });
    const unknown = await login(h, 'nobody-here@example.com', customer.password);
    const wrong = await login(h, customer.user.email, 'not the password');
    const wrongSuspended = await login(h, suspended.user.email, 'not the password');
    const hugeUnknown = await login(h, 'nobody-here@example.com', 'x'.repeat(4000));
    for (const res of [unknown, wrong, wrongSuspended, hugeUnknown]) {
      expectProblem(res, 401, 'INVALID_CREDENTIALS');
      expect(res.text).toBe(unknown.text);
      expect(res.headers.get('www-authenticate')).toBe(unknown.headers.get('www-authenticate'));
    }
    expect((await storedRow(h, customer.user.id))?.last_login).toBeNull();
  });

  it('ACCOUNT_SUSPENDED and ACCOUNT_INACTIVE for the right password to such an account', async () => {
    const suspended = await seedAs(h, 'customer', { status: 'suspended' });
    const inactive = await seedAs(h, 'customer', { status: 'inactive' });
    expectProblem(await login(h, suspended.user.email, suspended.password), 403, 'ACCOUNT_SUSPENDED');
    expectProblem(await login(h, inactive.user.email, inactive.password), 403, 'ACCOUNT_INACTIVE');
    expect((await storedRow(h, suspended.user.id))?.last_login).toBeNull();
    expect((await storedRow(h, inactive.user.id))?.last_login).toBeNull();
  });

  it('FORBIDDEN for customers on admin routes', async () => {
    const customer = await seedAs(h, 'customer');
    expectProblem(await h.request('GET', '/api/users', { token: customer.token }), 403, 'FORBIDDEN');
    expectProblem(await h.request('GET', '/api/users?bogus=1', { token: customer.token }), 403, 'FORBIDDEN');
    expectProblem(await h.request('POST', '/api/users', { token: customer.token, body: { email: 'x@example.com', password: 'a sturdy passphrase' } }), 403, 'FORBIDDEN');
    expect(await h.repository.findByEmail('x@example.com')).toBeUndefined();
  });

  it('NOT_FOUND for unknown paths under the API', async () => {
    for (const path of ['/api/nothing', '/api/users/1/nothing', '/api/auth', '/api/users/1/credits/x']) {
      expectProblem(await h.request('GET', path), 404, 'NOT_FOUND');
    }
  });

  it('EMAIL_TAKEN, case- and space-insensitively, on register, create and update; nothing changes', async () => {
    const taken = await seedAs(h, 'customer', { email: 'taken@example.com' });
    for (const email of ['taken@example.com', 'TAKEN@Example.COM', '  Taken@example.com  ']) {
      expectProblem(await h.request('POST', '/api/auth/register', { body: { email, password: 'a sturdy passphrase' } }), 409, 'EMAIL_TAKEN');
    }
    const admin = await seedAs(h, 'admin');
    expectProblem(await h.request('POST', '/api/users', { token: admin.token, body: { email: 'Taken@Example.com', password: 'a sturdy passphrase' } }), 409, 'EMAIL_TAKEN');
    const other = await seedAs(h, 'customer');
    const before = await storedRow(h, other.user.id);
    expectProblem(await h.request('PUT', `/api/users/${other.user.id}`, { token: other.token, body: { email: 'TAKEN@example.com', city: 'Changed' } }), 409, 'EMAIL_TAKEN');
    expectProblem(await h.request('PUT', `/api/users/${other.user.id}`, { token: admin.token, body: { email: 'taken@EXAMPLE.com' } }), 409, 'EMAIL_TAKEN');
    expect(await storedRow(h, other.user.id)).toEqual(before);
    expect(h.mailer.messages.filter((m) => m.to === 'taken@example.com')).toEqual([]);
    expect((await storedRow(h, taken.user.id))?.email).toBe('taken@example.com');
  });

  it('EMAIL_TAKEN under concurrent registrations: exactly one wins', async () => {
    const emails = ['race@example.com', 'RACE@example.com', ' Race@Example.com', 'race@EXAMPLE.com', 'race@example.com'];
    const results = await Promise.all(emails.map((email, i) => h.request('POST', '/api/auth/register', { body: { email, password: `a sturdy passphrase ${i}` } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const res of results.filter((r) => r.status === 409)) expectProblem(res, 409, 'EMAIL_TAKEN');
    const admin = await seedAs(h, 'admin');
    const list = await h.request<{ total: number }>('GET', '/api/users?q=race%40example.com', { token: admin.token });
    expect(list.json.total).toBe(1);
  });

  it('USERNAME_TAKEN, case-insensitively, on register, create and update', async () => {
    await seedAs(h, 'customer', { username: 'Ada_L' });
    expectProblem(await h.request('POST', '/api/auth/register', { body: { email: 'u1@example.com', password: 'a sturdy passphrase', username: 'ada_l' } }), 409, 'USERNAME_TAKEN');
    const admin = await seedAs(h, 'admin');
    expectProblem(await h.request('POST', '/api/users', { token: admin.token, body: { email: 'u2@example.com', password: 'a sturdy passphrase', username: 'ADA_L' } }), 409, 'USERNAME_TAKEN');
    const other = await seedAs(h, 'customer', { username: 'other' });
    expectProblem(await h.request('PUT', `/api/users/${other.user.id}`, { token: other.token, body: { username: 'Ada_l' } }), 409, 'USERNAME_TAKEN');
    expect((await storedRow(h, other.user.id))?.username).toBe('other');
    expect(await h.repository.findByEmail('u1@example.com')).toBeUndefined();
  });

  it('LAST_SUPER_ADMIN: the only active super admin may not suspend, deactivate or demote itself; with another one it may', async () => {
    const root = await seedAs(h, 'super');
    // A suspended super admin does not count.
    await seedAs(h, 'super', { status: 'suspended' });
    const path = `/api/users/${root.user.id}`;
    const before = await storedRow(h, root.user.id);
    for (const body of [{ status: 'suspended' }, { status: 'inactive' }, { status: 'pending' }, { is_super_admin: false }, { user_type: 'customer' }]) {
      expectProblem(await h.request('PUT', path, { token: root.token, body }), 409, 'LAST_SUPER_ADMIN');
    }
    expect(await storedRow(h, root.user.id)).toEqual(before);
    expect((await h.request('GET', '/api/users/me', { token: root.token })).status).toBe(200);

    const second = await seedAs(h, 'super');
    const demoted = await h.request('PUT', path, { token: root.token, body: { is_super_admin: false } });
    expect(demoted.status).toBe(200);
    // Now the second one is the last.
    expectProblem(await h.request('PUT', `/api/users/${second.user.id}`, { token: second.token, body: { status: 'suspended' } }), 409, 'LAST_SUPER_ADMIN');
  });

  it('LAST_SUPER_ADMIN under concurrency: two super admins demoting each other at once leave one', async () => {
    const a = await seedAs(h, 'super');
    const b = await seedAs(h, 'super');
    const [ab, ba] = await Promise.all([
      h.request('PUT', `/api/users/${b.user.id}`, { token: a.token, body: { is_super_admin: false } }),
      h.request('PUT', `/api/users/${a.user.id}`, { token: b.token, body: { is_super_admin: false } }),
    ]);
    // One wins. The other loses with LAST_SUPER_ADMIN, or — when the winner committed before the
    // loser was authenticated — with UNAUTHENTICATED, since the loser's own demotion revoked its token.
    const [winner, loser] = ab.status === 200 ? [ab, ba] : [ba, ab];
    expect(winner.status).toBe(200);
    if (loser.status === 401) expectProblem(loser, 401, 'UNAUTHENTICATED');
    else expectProblem(loser, 409, 'LAST_SUPER_ADMIN');
    expect(await h.repository.activeSuperAdminIds()).toHaveLength(1);
  });

  it('CANNOT_DELETE_SELF for admins and super admins; nothing changes', async () => {
    await seedAs(h, 'super');
    for (const kind of ['admin', 'super'] as const) {
      const actor = await seedAs(h, kind);
      const before = await storedRow(h, actor.user.id);
      expectProblem(await h.request('DELETE', `/api/users/${actor.user.id}`, { token: actor.token }), 409, 'CANNOT_DELETE_SELF');
      expect(await storedRow(h, actor.user.id)).toEqual(before);
    }
  });

  it('PAYLOAD_TOO_LARGE over 1 MiB by default; exactly 1 MiB is read', async () => {
    const base = JSON.stringify({ email: 'big@example.com', password: 'a sturdy passphrase' });
    const exact = base + ' '.repeat(1024 * 1024 - base.length);
    expect((await h.request('POST', '/api/auth/register', { rawBody: exact, headers: json })).status).toBe(201);
    const over = JSON.stringify({ email: 'bigger@example.com', password: 'a sturdy passphrase' }) + ' '.repeat(1024 * 1024);
    expectProblem(await h.request('POST', '/api/auth/register', { rawBody: over, headers: json }), 413, 'PAYLOAD_TOO_LARGE');
    expect(await h.repository.findByEmail('bigger@example.com')).toBeUndefined();
  });

  it('PAYLOAD_TOO_LARGE with a smaller bodyLimit', async () => {
    const small = await startHarness(adapter, store, { bodyLimit: 1024 });
    try {
      const base = JSON.stringify({ email: 'small@example.com', password: 'a sturdy passphrase' });
      expect((await small.request('POST', '/api/auth/register', { rawBody: base + ' '.repeat(1024 - base.length), headers: json })).status).toBe(201);
      expectProblem(await small.request('POST', '/api/auth/register', { rawBody: base + ' '.repeat(1025 - base.length), headers: json }), 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(await small.request('POST', '/api/auth/login', { rawBody: ' '.repeat(16 * 1024), headers: json }), 413, 'PAYLOAD_TOO_LARGE');
      // Without a Content-Length (chunked), the limit holds as the body streams in.
      expectProblem(await postChunked(small.baseUrl, '/api/auth/register', base + ' '.repeat(2048)), 413, 'PAYLOAD_TOO_LARGE');
      const admin = await small.seed({ user_type: 'admin' });
      expectProblem(await small.request('PUT', `/api/users/${admin.user.id}`, { token: admin.token, body: { notes: 'n'.repeat(2000) } }), 413, 'PAYLOAD_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('NUL characters in text (which PostgreSQL cannot store) answer 400 VALIDATION_ERROR or are accepted, never 500', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const answers: string[] = [];
    const note = async (label: string, res: { status: number; json: unknown }) => {
      const code = (res.json as { code?: string } | undefined)?.code;
      answers.push(`${label} → ${res.status < 300 ? 'ok' : `${res.status} ${code}`}`);
    };
    await note('register name', await h.request('POST', '/api/auth/register', { body: { email: 'nul@example.com', password: 'a sturdy passphrase', name: 'a\u0000b' } }));
    await note('register password', await h.request('POST', '/api/auth/register', { body: { email: 'nul2@example.com', password: 'a sturdy\u0000passphrase' } }));
    await note('login email', await login(h, 'nul\u0000@example.com', 'a sturdy passphrase'));
    await note('update city', await h.request('PUT', `/api/users/${customer.user.id}`, { token: customer.token, body: { city: 'Lis\u0000bon' } }));
    await note('create notes', await h.request('POST', '/api/users', { token: admin.token, body: { email: 'nul3@example.com', password: 'a sturdy passphrase', notes: '\u0000' } }));
    await note('list q', await h.request('GET', '/api/users?q=%00', { token: admin.token }));
    expect(answers.filter((a) => !/→ (ok|400 VALIDATION_ERROR)$/.test(a))).toEqual([]);
  });

  it('unpaired surrogates in JSON text (no UTF-8 form) answer 400 VALIDATION_ERROR naming the field, never 500', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const lone = '\\udcad';
    const raw = (body: string) => ({ rawBody: body, headers: { 'content-type': 'application/json' } });
    const paths = (res: { json: unknown }) => ((res.json as { errors?: { path: string }[] }).errors ?? []).map((e) => e.path);
    const register = await h.request('POST', '/api/auth/register', raw(`{"email":"lone@example.com","password":"a sturdy passphrase","business_type":"x${lone}"}`));
    expectProblem(register, 400, 'VALIDATION_ERROR');
    expect(paths(register)).toEqual(['business_type']);
    expect(await h.repository.findByEmail('lone@example.com')).toBeUndefined();
    const update = await h.request('PUT', `/api/users/${customer.user.id}`, { token: customer.token, ...raw(`{"city":"Lis${lone}bon"}`) });
    expectProblem(update, 400, 'VALIDATION_ERROR');
    expect(paths(update)).toEqual(['city']);
    const email = await h.request('POST', '/api/users', { token: admin.token, ...raw(`{"email":"a${lone}@example.com","password":"a sturdy passphrase"}`) });
    expectProblem(email, 400, 'VALIDATION_ERROR');
    const credits = await h.request('POST', `/api/users/${customer.user.id}/credits`, { token: admin.token, ...raw(`{"amount":5,"reason":"gift ${lone}"}`) });
    expectProblem(credits, 400, 'VALIDATION_ERROR');
    // A password with one would hash like U+FFFD, so two different inputs would share a hash.
    const password = await h.request('POST', '/api/auth/register', raw(`{"email":"lone2@example.com","password":"a sturdy passphrase ${lone}"}`));
    expectProblem(password, 400, 'WEAK_PASSWORD');
    // A paired surrogate (an emoji) is ordinary text.
    const emoji = await h.request('PUT', `/api/users/${customer.user.id}`, { token: customer.token, ...raw('{"city":"\\ud83d\\ude00"}') });
    expect(emoji.status).toBe(200);
    expect((emoji.json as { city: string }).city).toBe('😀');
    expect((await h.repository.findById(customer.user.id))?.version).toBe(customer.user.version + 1);
  });

  it('UNSUPPORTED_MEDIA_TYPE for bodies that are not application/json', async () => {
    const customer = await seedAs(h, 'customer');
    const cases: [string, Record<string, string>][] = [
      ['email=a%40b.co&password=x', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['{"email":"a@b.co","password":"a sturdy passphrase"}', { 'content-type': 'text/plain' }],
      ['{"email":"a@b.co","password":"a sturdy passphrase"}', {}],
      ['--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.co\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }],
      ['<user/>', { 'content-type': 'application/xml' }],
    ];
    for (const [rawBody, headers] of cases) {
      expectProblem(await h.request('POST', '/api/auth/register', { rawBody, headers }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await h.request('PUT', `/api/users/${customer.user.id}`, { token: customer.token, rawBody, headers }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await h.repository.findByEmail('a@b.co')).toBeUndefined();
    // JSON with a charset parameter, or a +json type, is fine.
    const ok = await h.request('PUT', `/api/users/${customer.user.id}`, { token: customer.token, rawBody: '{"city":"Braga"}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(ok.status).toBe(200);
  });
});
