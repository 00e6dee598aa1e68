import { expect, it } from 'vitest';
import { describeEachTarget } from './harness';

const secrets = ['password_hash', 'verification_code', 'verification_attempts', 'token_version'];

describeEachTarget('auth flow', ({ h, startEach }) => {
  startEach();

  it('registers, verifies, signs in, reads and updates the profile, changes the password', async () => {
    const email = 'Flow.User@Example.com';
    const password = 'a sturdy passphrase';
    const registered = await h.request<{ user: Record<string, unknown> }>('POST', '/api/auth/register', { body: { email, password, name: 'Flow' } });
    expect(registered.status).toBe(201);
    expect(registered.json.user).toMatchObject({ email: 'flow.user@example.com', status: 'pending', email_verified: false, user_type: 'customer' });
    for (const s of secrets) expect(registered.text).not.toContain(s);

    const code = h.mailer.lastCodeFor(email);
    expect(code).toMatch(/^\d{6}$/);
    expect(registered.text).not.toContain(code);

    const verified = await h.request<{ user: { status: string; email_verified: boolean } }>('POST', '/api/auth/verify-email', { body: { email, code } });
    expect(verified.status).toBe(200);
    expect(verified.json.user).toMatchObject({ status: 'active', email_verified: true });

    const login = await h.request<{ access_token: string; token_type: string; expires_in: number; user: { id: number } }>('POST', '/api/auth/login', {
      body: { email, password },
    });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const token = login.json.access_token;

    const me = await h.request<{ id: number; last_login: string }>('GET', '/api/users/me', { token });
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(login.json.user.id);
    expect(me.json.last_login).toBeTruthy();

    const read = await h.request('GET', `/api/users/${me.json.id}`, { token });
    const etag = read.headers.get('etag');
    expect(etag).toMatch(/^"\d+\.\d+"$/);
    const updated = await h.request<{ city: string }>('PUT', `/api/users/${me.json.id}`, { token, body: { city: 'Lisbon' }, headers: { 'if-match': etag ?? '' } });
    expect(updated.status).toBe(200);
    expect(updated.json.city).toBe('Lisbon');
    expect(updated.headers.get('etag')).not.toBe(etag);
    const stale = await h.request('PUT', `/api/users/${me.json.id}`, { token, body: { city: 'Porto' }, headers: { 'if-match': etag ?? '' } });
    expect(stale.status).toBe(412);

    const changed = await h.request('POST', `/api/users/${me.json.id}/password`, { token, body: { current_password: password, new_password: 'another sturdy passphrase' } });
    expect(changed.status).toBe(204);
    const revoked = await h.request<{ code: string }>('GET', '/api/users/me', { token });
    expect(revoked.status).toBe(401);
    expect(revoked.json.code).toBe('UNAUTHENTICATED');
    expect(revoked.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const again = await h.request('POST', '/api/auth/login', { body: { email, password: 'another sturdy passphrase' } });
    expect(again.status).toBe(200);
  });

  it('answers problem+json for bad JSON, wrong media type, too large bodies and unknown routes', async () => {
    const bad = await h.request<{ code: string; status: number }>('POST', '/api/auth/login', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.json).toMatchObject({ code: 'INVALID_JSON', status: 400 });
    const media = await h.request<{ code: string }>('POST', '/api/auth/login', { rawBody: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(media.status).toBe(415);
    expect(media.json.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await h.request<{ code: string }>('POST', '/api/auth/register', { rawBody: JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    expect(big.json.code).toBe('PAYLOAD_TOO_LARGE');
    const missing = await h.request<{ code: string }>('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('NOT_FOUND');
    const outside = await h.request('GET', '/not-api');
    expect(outside.status).toBe(404);
  });

  it('serves the api. host at the root', async () => {
    const res = await h.request<{ status: string }>('GET', '/health', { headers: { host: 'api.example.com' } });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('ok');
    const ready = await h.request<{ status: string }>('GET', '/api/health/ready');
    expect(ready.status).toBe(200);
  });

  it('validates every failing path at once', async () => {
    const res = await h.request<{ code: string; errors: { path: string }[] }>('POST', '/api/auth/register', {
      body: { email: 'nope', password: 'long enough pass', business_site: 'ftp://x', extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('VALIDATION_ERROR');
    expect(res.json.errors.map((e) => e.path).sort()).toEqual(['', 'business_site', 'email']);
  });
});
