/**
 * Hardening (docs/decisions.md, "Hardening"): passwords set through an import follow the password
 * route's policy, login and `current_password` refuse candidates past bcrypt's 72 bytes,
 * resend-verification answers before its work, imports set credits through the ledger and report
 * every error, and every response carries the security headers.
 */
import type { MailMessage } from '@userkit/core/server';
import bcrypt from 'bcryptjs';
import { afterEach, expect, it, vi } from 'vitest';
import { describeEachTarget, type HttpResponse } from './harness';
import { acceptBcryptHashes, expectProblem, login, seedAs, toCsv, toNdjson } from './support';

const ndjson = { 'content-type': 'application/x-ndjson' };

/** A gate a test opens by hand. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describeEachTarget('hardening', ({ h, start }) => {
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const importRows = (token: string, rows: unknown[], query = '') => h.request('POST', `/api/users/import${query}`, { token, rawBody: toNdjson(rows), headers: ndjson });

  it('import: your own password only with the current one (refused by row), a customer’s by an admin, no other admin’s', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const otherAdmin = await seedAs(h, 'admin');
    const superAdmin = await seedAs(h, 'super');
    const customer = await seedAs(h, 'customer');
    const hash = bcrypt.hashSync('a brand new passphrase', 10);

    const own = await importRows(admin.token, [{ email: admin.user.email, password: 'a brand new passphrase' }], '?on_conflict=update');
    expect(expectProblem(own, 400, 'VALIDATION_ERROR').errors).toEqual([{ row: 1, path: 'password', code: 'forbidden', message: expect.stringMatching(/current password/) }]);
    const ownHash = await importRows(superAdmin.token, [{ email: 'x@example.com', password: 'another fine passphrase' }, { email: superAdmin.user.email, password_hash: hash }], '?on_conflict=update');
    expect(expectProblem(ownHash, 400, 'VALIDATION_ERROR').errors?.map((e) => [e.row, e.path, e.code])).toEqual([[2, 'password_hash', 'forbidden']]);
    const peer = await importRows(admin.token, [{ email: otherAdmin.user.email, password_hash: hash }], '?on_conflict=update');
    expect(expectProblem(peer, 400, 'VALIDATION_ERROR').errors?.map((e) => [e.row, e.code])).toEqual([[1, 'forbidden']]);
    // Nothing changed: the old passwords still work.
    for (const u of [admin, superAdmin, otherAdmin]) expect((await login(h, u.user.email, u.password)).status).toBe(200);

    const weak = await importRows(admin.token, [{ email: customer.user.email, password: 'password' }], '?on_conflict=update');
    expect(expectProblem(weak, 400, 'VALIDATION_ERROR').errors?.map((e) => [e.row, e.path, e.code])).toEqual([[1, 'password', 'weak_password']]);
    const set = await importRows(admin.token, [{ email: customer.user.email, password: 'a brand new passphrase' }], '?on_conflict=update');
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({ updated: 1 });
    expect((await login(h, customer.user.email, 'a brand new passphrase')).status).toBe(200);
  });

  it('login and current_password: a 72-byte password plus a suffix is wrong (bcrypt would read only its prefix)', async () => {
    await start();
    const undo = acceptBcryptHashes();
    try {
      const password = `${'long-passphrase-'.repeat(4)}abcdefgh`; // 72 bytes
      expect(Buffer.byteLength(password)).toBe(72);
      const user = await seedAs(h, 'customer', { password, password_hash: bcrypt.hashSync(password, 4) });
      expectProblem(await login(h, user.user.email, `${password}x`), 401, 'INVALID_CREDENTIALS');
      expectProblem(await login(h, user.user.email, `${password}${'y'.repeat(100)}`), 401, 'INVALID_CREDENTIALS');

      const other = await seedAs(h, 'customer', { password, password_hash: bcrypt.hashSync(password, 4) });
      const change = (current: string) =>
        h.request('POST', `/api/users/${other.user.id}/password`, { token: other.token, body: { current_password: current, new_password: 'a completely new passphrase' } });
      expectProblem(await change(`${password}!`), 400, 'INVALID_CURRENT_PASSWORD');
      expect((await change(password)).status).toBe(204);
      expect((await login(h, user.user.email, password)).status).toBe(200);
    } finally {
      undo();
    }
  });

  it('resend-verification answers 202 before its work: a mailer or a database that hangs holds back no answer, known email or not', async () => {
    await start();
    await h.request('POST', '/api/auth/register', { body: { email: 'pending@example.com', password: 'a sturdy passphrase' } });
    const sent = h.mailer.messages.length;
    const mail = gate();
    const send = h.mailer.send.bind(h.mailer);
    vi.spyOn(h.mailer, 'send').mockImplementation(async (message: MailMessage) => {
      await mail.wait;
      return send(message);
    });
    expect((await h.request('POST', '/api/auth/resend-verification', { body: { email: 'pending@example.com' } })).status).toBe(202);
    expect(h.mailer.messages.length).toBe(sent);
    mail.open();
    await vi.waitFor(() => expect(h.mailer.messages.length).toBe(sent + 1));

    const db = gate();
    const transaction = h.repository.transaction.bind(h.repository);
    vi.spyOn(h.repository, 'transaction').mockImplementation(async (fn) => {
      await db.wait;
      return transaction(fn);
    });
    for (const email of ['pending@example.com', 'nobody@example.com']) {
      const res = await h.request('POST', '/api/auth/resend-verification', { body: { email } });
      expect(res.status).toBe(202);
    }
    db.open();
    await vi.waitFor(() => expect(h.mailer.messages.map((m) => m.to)).toEqual([...h.mailer.messages.slice(0, sent).map((m) => m.to), 'pending@example.com', 'pending@example.com']));
    // A bad body is still refused at once.
    expectProblem(await h.request('POST', '/api/auth/resend-verification', { body: { email: 'not an email' } }), 400, 'VALIDATION_ERROR');
  });

  it('import credits: a balance set through the ledger (reason "import"), NDJSON and CSV; the other export-only columns are ignored', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const existing = await seedAs(h, 'customer');
    const created = await importRows(admin.token, [
      { id: 999_999, email: 'five@example.com', password: 'a sturdy passphrase', credits: 5, created_at: '2001-01-01T00:00:00.000Z', updated_at: '2001-01-01T00:00:00.000Z', last_login: null, version: 40, is_authenticated: true },
      { email: existing.user.email, credits: 7 },
    ], '?on_conflict=update');
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({ created: 1, updated: 1 });
    const five = await h.repository.findByEmail('five@example.com');
    expect(five).toMatchObject({ credits: 5, version: expect.any(Number), is_authenticated: false });
    expect(five?.id).not.toBe(999_999);
    expect(five?.created_at.getUTCFullYear()).not.toBe(2001);
    for (const [id, amount] of [[five?.id, 5], [existing.user.id, 7]] as const) {
      const ledger = await h.request<{ credits: number; items: { amount: number; reason: string; balance_after: number }[] }>('GET', `/api/users/${id}/credits`, { token: admin.token });
      expect(ledger.json).toMatchObject({ credits: amount, items: [{ amount, reason: 'import', balance_after: amount }] });
    }
    const csv = toCsv(['email', 'password', 'credits'], [['csv@example.com', 'a sturdy passphrase', '12'], [existing.user.email, '', '3']]);
    const viaCsv = await h.request('POST', '/api/users/import?on_conflict=update', { token: admin.token, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(viaCsv.status, viaCsv.text).toBe(200);
    expect((await h.repository.findByEmail('csv@example.com'))?.credits).toBe(12);
    const after = await h.request<{ credits: number; items: { amount: number }[] }>('GET', `/api/users/${existing.user.id}/credits`, { token: admin.token });
    expect(after.json.credits).toBe(3);
    expect(after.json.items.map((i) => i.amount).sort()).toEqual([-4, 7]);
    const bad = await importRows(admin.token, [{ email: 'neg@example.com', password: 'a sturdy passphrase', credits: -1 }, { email: 'frac@example.com', password: 'a sturdy passphrase', credits: 1.5 }]);
    expect(expectProblem(bad, 400, 'VALIDATION_ERROR').errors?.map((e) => [e.row, e.path])).toEqual([[1, 'credits'], [2, 'credits']]);
  });

  it('import: every error of a row in one answer, and the count of all bad rows past the listed ones', async () => {
    await start({ importLimits: { maxErrors: 5 } });
    const admin = await seedAs(h, 'admin');
    const one = await importRows(admin.token, [{ email: 'not an email', name: 5, token_version: 3, password: 'password' }]);
    const errors = expectProblem(one, 400, 'VALIDATION_ERROR').errors ?? [];
    expect(errors.map((e) => e.path).sort()).toEqual(['email', 'name', 'password', 'token_version']);
    const many = await importRows(admin.token, Array.from({ length: 20 }, (_, i) => ({ email: `bad-${i}`, password: 'a sturdy passphrase' })));
    const body = expectProblem(many, 400, 'VALIDATION_ERROR');
    expect(body.errors).toHaveLength(5);
    expect(body.detail).toMatch(/20 rows with errors/);
    expect(body.detail).toMatch(/20 errors in all; the first 5 are listed/);
  });

  it('security headers on every answer (JSON, problem+json, authenticated); HSTS only when configured', async () => {
    await start();
    const user = await seedAs(h, 'customer');
    const answers: HttpResponse[] = [
      await h.request('GET', '/api/health'),
      await h.request('GET', '/api/users/me'),
      await h.request('GET', '/api/users/me', { token: user.token }),
      await h.request('GET', '/api/nowhere'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 200, 404]);
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    await start({ hsts: { maxAge: 31_536_000, includeSubDomains: true } });
    for (const path of ['/api/health', '/api/users/me']) {
      expect((await h.request('GET', path)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    }
  });
});
