/**
 * Express with `express.json()` installed before userkit, as many host apps do: the adapter takes
 * the parsed body, and everything we decide about bodies (validation, media type, limits) still
 * answers problem+json from us.
 *
 * One case is not ours to answer: malformed JSON with `Content-Type: application/json` is rejected
 * by `express.json()` itself (it calls `next(err)` before userkit runs), so the host app's error
 * handler answers it — with Express's default handler, a 400 that is not problem+json. The same
 * holds for bodies over `express.json()`'s own `limit` (100 kB by default: Express answers 413).
 * Apps that want our problem+json for those should mount userkit before `express.json()`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, storeTargets, type HttpHarness } from './harness';
import { expectProblem, login, postChunked, seedAs } from './support';

const json = { 'content-type': 'application/json' };

describe.each(storeTargets())('express with express.json() over $name', (store) => {
  let h: HttpHarness;
  beforeEach(async () => {
    h = await startHarness('express', store, {}, { expressJson: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('register, verify, login, update, create and password change work', async () => {
    const reg = await h.request<{ user: { id: number; email: string } }>('POST', '/api/auth/register', { body: { email: 'Parsed@Example.com', password: 'a sturdy passphrase', name: 'Parsed' } });
    expect(reg.status).toBe(201);
    expect(reg.json.user.email).toBe('parsed@example.com');
    const verified = await h.request('POST', '/api/auth/verify-email', { body: { email: 'parsed@example.com', code: h.mailer.lastCodeFor('parsed@example.com') } });
    expect(verified.status).toBe(200);
    const signIn = await login(h, 'parsed@example.com', 'a sturdy passphrase');
    expect(signIn.status).toBe(200);
    const token = signIn.json.access_token;
    const read = await h.request('GET', `/api/users/${reg.json.user.id}`, { token });
    const updated = await h.request<{ city: string }>('PUT', `/api/users/${reg.json.user.id}`, { token, body: { city: 'Lyon' }, headers: { 'if-match': read.headers.get('etag') ?? '' } });
    expect(updated.status).toBe(200);
    expect(updated.json.city).toBe('Lyon');
    expect(updated.headers.get('etag')).not.toBe(read.headers.get('etag'));
    const admin = await seedAs(h, 'admin');
    const created = await h.request('POST', '/api/users', { token: admin.token, body: { email: 'made@example.com', password: 'a sturdy passphrase' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toMatch(/^\/api\/users\/\d+$/);
    const changed = await h.request('POST', `/api/users/${reg.json.user.id}/password`, { token, body: { current_password: 'a sturdy passphrase', new_password: 'another sturdy passphrase' } });
    expect(changed.status).toBe(204);
    expect((await login(h, 'parsed@example.com', 'another sturdy passphrase')).status).toBe(200);
  });

  it('invalid bodies still answer problem+json from userkit', async () => {
    const reg = await h.request('POST', '/api/auth/register', { body: { email: 'nope', password: 'a sturdy passphrase', extra: true } });
    expect(expectProblem(reg, 400, 'VALIDATION_ERROR').errors?.map((e) => e.path).sort()).toEqual(['', 'email']);
    expectProblem(await h.request('POST', '/api/auth/register', { body: { email: 'weak@example.com', password: 'short' } }), 400, 'WEAK_PASSWORD');
    expectProblem(await h.request('POST', '/api/auth/login', { rawBody: '[]', headers: json }), 400, 'VALIDATION_ERROR');
    expectProblem(await h.request('POST', '/api/auth/login', { rawBody: '', headers: json }), 400, 'VALIDATION_ERROR');
    expectProblem(await login(h, 'nobody@example.com', 'a sturdy passphrase'), 401, 'INVALID_CREDENTIALS');
    // express.json() leaves other media types alone, so they reach us and we refuse them.
    expectProblem(await h.request('POST', '/api/auth/login', { rawBody: 'email=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await h.request('POST', '/api/auth/login', { rawBody: '{"email":"a@b.co","password":"x"}', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const customer = await seedAs(h, 'customer');
    const denied = await h.request('PUT', `/api/users/${customer.user.id}`, { token: customer.token, body: { credits: 5 } });
    expect(expectProblem(denied, 403, 'FIELD_NOT_ALLOWED').fields).toEqual(['credits']);
  });

  it('malformed JSON is rejected by express.json() before userkit sees it (documented above: not our problem+json)', async () => {
    const res = await h.request('POST', '/api/auth/login', { rawBody: '{"email":', headers: json });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type') ?? '').not.toMatch(/problem\+json/);
    // Other routes are still served by userkit afterwards.
    expect((await h.request('GET', '/api/health')).status).toBe(200);
  });

  it('a smaller bodyLimit is still enforced when express.json() parsed the body', async () => {
    const small = await startHarness('express', store, { bodyLimit: 1024 }, { expressJson: true });
    try {
      const base = JSON.stringify({ email: 'small@example.com', password: 'a sturdy passphrase' });
      const res = await small.request('POST', '/api/auth/register', { rawBody: base + ' '.repeat(4096), headers: json });
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(await small.repository.findByEmail('small@example.com')).toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it('a smaller bodyLimit is still enforced for a chunked body (no Content-Length) that express.json() parsed', async () => {
    const small = await startHarness('express', store, { bodyLimit: 1024 }, { expressJson: true });
    try {
      // No Content-Length to go by: but the JSON itself, even re-serialised, is over the limit.
      const websites = [1, 2, 3].map((i) => `https://example.com/${i}/${'p'.repeat(600)}`);
      const payload = JSON.stringify({ email: 'chunked@example.com', password: 'a sturdy passphrase', additional_websites: websites });
      expect(Buffer.byteLength(payload)).toBeGreaterThan(1800);
      const chunked = await postChunked(small.baseUrl, '/api/auth/register', payload);
      expectProblem(chunked, 413, 'PAYLOAD_TOO_LARGE');
      expect(await small.repository.findByEmail('chunked@example.com')).toBeUndefined();
    } finally {
      await small.close();
    }
  });
});
