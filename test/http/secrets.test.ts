/**
 * docs/security.md#secrets: across a representative run — sign-up, sign-in, reads, lists, updates, errors —
 * no response (body or header) carries a secret column, a stored hash, a plaintext password or a
 * mailed code; error bodies carry no SQL and no stack frames.
 */
import { expect, it } from 'vitest';
import { describeEachTarget, type HttpResponse, type RequestOptions } from './harness';
import { seedAs } from './support';

const secretKeys = ['password_hash', 'verification_code', 'verification_attempts', 'token_version'];

describeEachTarget('secrets', ({ h, startEach }) => {
  startEach();

  it('no response of a representative run leaks a secret, a password, a code, SQL or a stack', async () => {
    const seen: { label: string; res: HttpResponse<unknown> }[] = [];
    const call = async <T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> => {
      const res = await h.request<T>(method, path, options);
      seen.push({ label: `${method} ${path} → ${res.status}`, res });
      return res;
    };
    const passwords = ['Ada-plaintext-passphrase-1', 'Bea-plaintext-passphrase-2', 'Cy-plaintext-passphrase-3', 'Ada-new-plaintext-passphrase-4', 'Set-by-admin-plaintext-5'];
    const [pa, pb, pc, pa2, pset] = passwords as [string, string, string, string, string];

    const admin = await seedAs(h, 'super', { password: 'Root-plaintext-passphrase-0' });
    passwords.push(admin.password);

    // Sign-up and verification.
    const ada = await call<{ user: { id: number } }>('POST', '/api/auth/register', { body: { email: 'ada@example.com', password: pa, name: 'Ada' } });
    await call('POST', '/api/auth/register', { body: { email: 'ADA@example.com', password: pa } });
    await call('POST', '/api/auth/register', { body: { email: 'weak@example.com', password: 'password123' } });
    await call('POST', '/api/auth/register', { body: { email: pa, password: pa, name: pb } });
    await call('POST', '/api/auth/verify-email', { body: { email: 'ada@example.com', code: '000000' } });
    await call('POST', '/api/auth/verify-email', { body: { email: 'ada@example.com', code: h.mailer.lastCodeFor('ada@example.com') } });
    await call('POST', '/api/auth/register', { body: { email: 'bea@example.com', password: pb } });
    await call('POST', '/api/auth/resend-verification', { body: { email: 'bea@example.com' } });
    await call('POST', '/api/auth/resend-verification', { body: { email: 'nobody@example.com' } });

    // Sign-in, right and wrong.
    const login = await call<{ access_token: string }>('POST', '/api/auth/login', { body: { email: 'ada@example.com', password: pa } });
    await call('POST', '/api/auth/login', { body: { email: 'ada@example.com', password: pb } });
    await call('POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: pa } });
    await call('POST', '/api/auth/login', { body: { email: 'bea@example.com', password: pb } });
    const token = login.json.access_token;
    const id = ada.json.user.id;

    // Reads, lists, updates.
    await call('GET', '/api/users/me', { token });
    await call('GET', `/api/users/${id}`, { token });
    await call('GET', `/api/users/${admin.user.id}`, { token });
    await call('PUT', `/api/users/${id}`, { token, body: { city: 'London', email: 'ada.l@example.com' } });
    await call('PUT', `/api/users/${id}`, { token, body: { credits: 10, status: 'active' } });
    await call('PUT', `/api/users/${id}`, { token, body: { phone: pa } });
    await call('GET', '/api/users', { token: admin.token });
    await call('GET', '/api/users?q=ada&sort=-email&limit=1', { token: admin.token });
    await call('GET', '/api/users?status=pending&email_verified=false', { token: admin.token });
    await call('GET', `/api/users?q=${encodeURIComponent(pa)}`, { token: admin.token });
    const cy = await call<{ id: number }>('POST', '/api/users', { token: admin.token, body: { email: 'cy@example.com', password: pc, notes: 'met at the fair' } });
    await call('POST', '/api/users', { token: admin.token, body: { email: 'cy@example.com', password: pc } });
    await call('PUT', `/api/users/${cy.json.id}`, { token: admin.token, body: { lead_status: 'qualified', status: pc } });
    await call('PUT', `/api/users/${cy.json.id}`, { token: admin.token, body: { lead_status: 'closed' }, headers: { 'if-match': '"1.1"' } });
    await call('POST', `/api/users/${cy.json.id}/password`, { token: admin.token, body: { new_password: pset } });
    await call('POST', `/api/users/${id}/password`, { token, body: { current_password: pb, new_password: pa2 } });
    await call('POST', `/api/users/${id}/password`, { token, body: { current_password: pa, new_password: 'short' } });
    await call('POST', `/api/users/${id}/password`, { token, body: { current_password: pa, new_password: pa2 } });
    await call('GET', '/api/users/me', { token });
    await call('POST', '/api/auth/login', { body: { email: 'ada.l@example.com', password: pa2 } });
    await call('DELETE', `/api/users/${cy.json.id}`, { token: admin.token });
    await call('DELETE', `/api/users/${admin.user.id}`, { token: admin.token });
    await call('GET', `/api/users/${cy.json.id}`, { token: admin.token });

    // Assorted errors.
    await call('POST', '/api/auth/login', { rawBody: `{"email":"ada.l@example.com","password":"${pa2}"`, headers: { 'content-type': 'application/json' } });
    await call('POST', '/api/auth/login', { rawBody: `email=ada&password=${pa2}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await call('PATCH', `/api/users/${id}`, { token });
    await call('GET', '/api/nothing');
    await call('GET', '/api/users/me', { headers: { authorization: `Bearer ${token}.tampered` } });

    expect(seen.length).toBeGreaterThan(40);
    expect(new Set(seen.map((s) => s.res.status)).size, 'the run covers many outcomes').toBeGreaterThan(8);

    // Everything secret that exists at the end (and every code ever mailed).
    const stored = await Promise.all([id, cy.json.id, admin.user.id].map((u) => h.repository.findById(u, { includeDeleted: true })));
    const bea = await h.repository.findByEmail('bea@example.com');
    const hashes = [...stored, bea].flatMap((u) => [u?.password_hash, u?.verification_code]).filter((v): v is string => typeof v === 'string');
    expect(hashes.length).toBeGreaterThanOrEqual(4);
    const codes = h.mailer.messages.map((m) => m.code).filter((c): c is string => c !== undefined);
    expect(codes.length).toBeGreaterThanOrEqual(4);

    for (const { label, res } of seen) {
      const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
      const everything = `${headers}\n${res.text}`;
      for (const key of secretKeys) expect(everything, `${label} names ${key}`).not.toContain(key);
      for (const password of passwords) expect(everything, `${label} carries a password`).not.toContain(password);
      for (const code of codes) expect(res.text, `${label} carries a mailed code`).not.toContain(code);
      for (const hash of hashes) expect(everything, `${label} carries a stored hash`).not.toContain(hash);
      if (res.status >= 400) {
        expect(res.text, label).not.toMatch(/\bselect\b|\binsert\b|\bupdate users\b|\bfrom users\b/i);
        expect(res.text, label).not.toMatch(/\n\s*at |\bat \S+ \(|\bat .*:\d+:\d+/);
        expect(res.text, label).not.toMatch(/node_modules|\.ts:\d+/);
      }
    }
  });
});
