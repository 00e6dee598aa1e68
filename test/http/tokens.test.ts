/**
 * Bearer tokens over HTTP (docs/security.md#tokens): only the Authorization header counts, the algorithm is pinned,
 * and the user is loaded on every request, so revocation takes effect at once.
 */
import { SignJWT } from 'jose';
import { expect, it } from 'vitest';
import { describeEachTarget, secret } from './harness';
import { b64url, expectProblem, jwtPayload, login, seedAs } from './support';

const key = new TextEncoder().encode(secret);

interface Craft {
  alg?: string;
  key?: Uint8Array;
  sub?: string;
  tv?: unknown;
  iss?: string;
  aud?: string;
  /** Seconds from now. */
  exp?: number | null;
  iat?: number | null;
}

describeEachTarget('tokens', ({ h, startEach }) => {
  startEach();

  /** Signs a token with jose, defaulting every claim to what the server issues. */
  async function craft(userId: number, c: Craft = {}): Promise<string> {
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const claims: Record<string, unknown> = { tv: 'tv' in c ? c.tv : 0 };
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: c.alg ?? 'HS256', typ: 'JWT' })
      .setSubject(c.sub ?? String(userId))
      .setIssuer(c.iss ?? h.tokens.issuer)
      .setAudience(c.aud ?? h.tokens.audience);
    if (c.iat !== null) jwt = jwt.setIssuedAt(now + (c.iat ?? 0));
    if (c.exp !== null) jwt = jwt.setExpirationTime(now + (c.exp ?? 3600));
    return jwt.sign(c.key ?? key);
  }

  async function expectUnauthenticated(headers: Record<string, string>, path = '/api/users/me') {
    const res = await h.request('GET', path, { headers });
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    return res;
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('a missing token → 401 UNAUTHENTICATED with WWW-Authenticate: Bearer, on every signed-in route', async () => {
    for (const [method, path] of [
      ['GET', '/api/users/me'],
      ['GET', '/api/users'],
      ['POST', '/api/users'],
      ['GET', '/api/users/1'],
      ['PUT', '/api/users/1'],
      ['DELETE', '/api/users/1'],
      ['POST', '/api/users/1/password'],
    ] as const) {
      const res = await h.request(method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : {} });
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.headers.get('www-authenticate'), `${method} ${path}`).toMatch(/^Bearer\b/);
    }
  });

  it('a control: a token crafted like the server’s own is accepted (so the refusals below are about the one change)', async () => {
    const { user } = await seedAs(h, 'customer');
    const res = await h.request<{ id: number }>('GET', '/api/users/me', { headers: bearer(await craft(user.id)) });
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(user.id);
  });

  it('an issued token carries sub, tv, iss, aud, iat and exp, and lives expires_in seconds', async () => {
    const { user, password } = await seedAs(h, 'customer');
    const res = await login(h, user.email, password);
    const claims = jwtPayload(res.json.access_token);
    expect(claims).toMatchObject({ sub: String(user.id), tv: 0, iss: h.tokens.issuer, aud: h.tokens.audience });
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(res.json.expires_in);
    expect(JSON.parse(Buffer.from(res.json.access_token.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({ alg: 'HS256' });
  });

  it('garbage, empty and non-Bearer Authorization headers → 401', async () => {
    const { token } = await seedAs(h, 'customer');
    for (const value of ['Bearer garbage', 'Bearer not.a.jwt', 'Bearer', 'Bearer ', 'Bearer    ', `Basic ${Buffer.from('a:b').toString('base64')}`, token, `Token ${token}`, `Bearer ${token} extra`, `Bearer ${token}x`]) {
      await expectUnauthenticated({ authorization: value });
    }
  });

  it('a valid token in a query string or a cookie is ignored → 401', async () => {
    const { token } = await seedAs(h, 'customer');
    await expectUnauthenticated({}, `/api/users/me?access_token=${token}`);
    await expectUnauthenticated({}, `/api/users/me?token=${token}`);
    await expectUnauthenticated({ cookie: `access_token=${token}; token=${token}; authorization=Bearer%20${token}` });
    await expectUnauthenticated({ 'x-access-token': token, 'x-auth-token': token });
  });

  it('an expired token → 401; it worked until it expired', async () => {
    const { token } = await seedAs(h, 'customer');
    h.clock.advance(h.tokens.ttlSeconds * 1000 - 1_000);
    expect((await h.request('GET', '/api/users/me', { token })).status).toBe(200);
    h.clock.advance(2_000);
    const res = await expectUnauthenticated(bearer(token));
    expect(res.json).toMatchObject({ detail: expect.stringMatching(/expired/i) });
  });

  it('a token signed with another secret → 401', async () => {
    const { user } = await seedAs(h, 'customer');
    await expectUnauthenticated(bearer(await craft(user.id, { key: new TextEncoder().encode('another-secret-that-is-also-long-enough-0123456789') })));
  });

  it('alg: none (empty signature) → 401', async () => {
    const { user } = await seedAs(h, 'customer');
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const payload = { sub: String(user.id), tv: 0, iss: h.tokens.issuer, aud: h.tokens.audience, iat: now, exp: now + 3600 };
    for (const alg of ['none', 'None', 'NONE']) {
      await expectUnauthenticated(bearer(`${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}.`));
    }
  });

  it('another algorithm, even with the right secret → 401 (the algorithm is pinned)', async () => {
    const { user } = await seedAs(h, 'customer');
    for (const alg of ['HS384', 'HS512']) await expectUnauthenticated(bearer(await craft(user.id, { alg })));
  });

  it('tampered claims with the original signature → 401', async () => {
    const victim = await seedAs(h, 'admin');
    const { user, token } = await seedAs(h, 'customer');
    const [header, , signature] = token.split('.');
    const payload = jwtPayload(token);
    for (const change of [{ sub: String(victim.user.id) }, { tv: 1 }, { exp: (payload['exp'] as number) + 86_400 }]) {
      await expectUnauthenticated(bearer(`${header}.${b64url({ ...payload, ...change })}.${signature}`));
    }
    expect((await h.request<{ id: number }>('GET', '/api/users/me', { token })).json.id).toBe(user.id);
  });

  it('a wrong issuer or audience, or missing claims → 401', async () => {
    const { user } = await seedAs(h, 'customer');
    await expectUnauthenticated(bearer(await craft(user.id, { iss: 'someone-else' })));
    await expectUnauthenticated(bearer(await craft(user.id, { aud: 'another-api' })));
    await expectUnauthenticated(bearer(await craft(user.id, { exp: null })));
    await expectUnauthenticated(bearer(await craft(user.id, { tv: undefined })));
    await expectUnauthenticated(bearer(await craft(user.id, { tv: '0' })));
    await expectUnauthenticated(bearer(await craft(user.id, { sub: 'admin' })));
    await expectUnauthenticated(bearer(await craft(user.id, { sub: '999999' })));
  });

  it('a password change revokes older tokens; a new login works', async () => {
    const customer = await seedAs(h, 'customer');
    const changed = await h.request('POST', `/api/users/${customer.user.id}/password`, {
      token: customer.token,
      body: { current_password: customer.password, new_password: 'a fresh new passphrase' },
    });
    expect(changed.status).toBe(204);
    await expectUnauthenticated(bearer(customer.token));
    const again = await login(h, customer.user.email, 'a fresh new passphrase');
    expect(again.status).toBe(200);
    expect((await h.request('GET', '/api/users/me', { token: again.json.access_token })).status).toBe(200);

    // An admin setting the password revokes the user's tokens too.
    const admin = await seedAs(h, 'admin');
    expect((await h.request('POST', `/api/users/${customer.user.id}/password`, { token: admin.token, body: { new_password: 'set by the admin now' } })).status).toBe(204);
    await expectUnauthenticated(bearer(again.json.access_token));
  });

  it('suspending or deactivating a user kills its token at once', async () => {
    const admin = await seedAs(h, 'admin');
    for (const status of ['suspended', 'inactive']) {
      const customer = await seedAs(h, 'customer');
      expect((await h.request('GET', '/api/users/me', { token: customer.token })).status).toBe(200);
      const res = await h.request('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { status } });
      expect(res.status).toBe(200);
      await expectUnauthenticated(bearer(customer.token));
      // Reactivation does not bring the old token back: the status change revoked it.
      expect((await h.request('PUT', `/api/users/${customer.user.id}`, { token: admin.token, body: { status: 'active' } })).status).toBe(200);
      await expectUnauthenticated(bearer(customer.token));
    }
  });

  it('a deleted user’s token → 401', async () => {
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    expect((await h.request('DELETE', `/api/users/${customer.user.id}`, { token: admin.token })).status).toBe(204);
    await expectUnauthenticated(bearer(customer.token));
    // Even a freshly signed token for the deleted id (e.g. a leaked secret with the new token version).
    await expectUnauthenticated(bearer(await craft(customer.user.id, { tv: 1 })));
  });

  it('a role change revokes tokens: a demoted admin’s old token → 401, a promoted customer must sign in again', async () => {
    const root = await seedAs(h, 'super');
    const admin = await seedAs(h, 'admin');
    expect((await h.request('GET', '/api/users', { token: admin.token })).status).toBe(200);
    const demoted = await h.request('PUT', `/api/users/${admin.user.id}`, { token: root.token, body: { user_type: 'customer' } });
    expect(demoted.status).toBe(200);
    await expectUnauthenticated(bearer(admin.token), '/api/users');
    const relogin = await login(h, admin.user.email, admin.password);
    expectProblem(await h.request('GET', '/api/users', { token: relogin.json.access_token }), 403, 'FORBIDDEN');

    const customer = await seedAs(h, 'customer');
    expect((await h.request('PUT', `/api/users/${customer.user.id}`, { token: root.token, body: { user_type: 'admin' } })).status).toBe(200);
    await expectUnauthenticated(bearer(customer.token));
    const promoted = await login(h, customer.user.email, customer.password);
    expect((await h.request('GET', '/api/users', { token: promoted.json.access_token })).status).toBe(200);
  });
});
