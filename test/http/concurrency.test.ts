/**
 * Races over HTTP (docs/errors.md#codes, docs/security.md#transactions): parallel requests that compete for one row or one unique value.
 * Every outcome must be exact on every store — memory, PGlite, and PostgreSQL with real parallel
 * connections: one winner, the others the documented error, and the data consistent afterwards.
 */
import type { User } from '@userkit/core';
import type { RateLimits, UserkitHandlerOptions } from '@userkit/core/server';
import { expect, it } from 'vitest';
import { describeEachTarget, type HttpResponse } from './harness';
import { expectProblem, seedAs, storedRow, tally, toNdjson } from './support';

type Transaction = { id: number; amount: number; balance_after: number; idempotency_key: string | null };
type Adjusted = { credits: number; transaction: Transaction };

const wide = { max: 10_000, windowMs: 60_000 };
/** Rate limits out of the way: these tests are about races, not limits. */
const noRateLimits: RateLimits = {
  login: { perAccount: wide, perAddress: wide },
  verifyEmail: { perAddress: wide },
  sendCode: { perAccount: wide, perAddress: wide },
};

/** Starts all requests before awaiting any. */
function parallel<T>(n: number, request: (i: number) => Promise<HttpResponse<T>>): Promise<HttpResponse<T>[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => request(i)));
}

describeEachTarget('concurrency', ({ h, start: startWith }) => {
  const start = (extra: Partial<UserkitHandlerOptions> = {}) => startWith({ rateLimits: noRateLimits, ...extra });

  const activityOf = async (id: number) => (await h.repository.listActivity(id, { limit: 100 })).items;

  it('parallel PUTs with the same If-Match: exactly one 200, the rest 412 PRECONDITION_FAILED; the winner’s write is the one stored', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer', { city: 'Start' });
    const path = `/api/users/${customer.user.id}`;
    const etag = (await h.request('GET', path, { token: admin.token })).headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const n = 12;
    const responses = await parallel<User>(n, (i) =>
      h.request('PUT', path, { token: i % 2 ? admin.token : customer.token, body: { city: `City ${i}` }, headers: { 'if-match': etag } }),
    );
    expect(tally(responses)).toEqual({ 200: 1, PRECONDITION_FAILED: n - 1 });
    for (const res of responses) if (res.status !== 200) expectProblem(res, 412, 'PRECONDITION_FAILED');
    const winner = responses.find((r) => r.status === 200) as HttpResponse<User>;
    const stored = await storedRow(h, customer.user.id);
    expect(stored?.city).toBe(winner.json.city);
    expect(stored?.version).toBe(customer.user.version + 1);
    expect(winner.headers.get('etag')).toBe(`"${customer.user.id}.${customer.user.version + 1}"`);
    expect((await activityOf(customer.user.id)).filter((a) => a.action === 'updated')).toHaveLength(1);
  });

  it('parallel registrations of one email in different letter cases: exactly one 201, the rest 409 EMAIL_TAKEN; one user stored', async () => {
    await start();
    const variants = ['race@example.com', 'RACE@example.com', 'Race@Example.com', 'race@EXAMPLE.COM', ' rAcE@example.com', 'RaCe@ExAmPlE.cOm', 'race@Example.com ', 'RACE@EXAMPLE.COM'];
    const responses = await parallel<{ user: User }>(variants.length, (i) =>
      h.request('POST', '/api/auth/register', { body: { email: variants[i], password: `a sturdy passphrase ${i}` } }),
    );
    expect(tally(responses)).toEqual({ 201: 1, EMAIL_TAKEN: variants.length - 1 });
    for (const res of responses) if (res.status !== 201) expectProblem(res, 409, 'EMAIL_TAKEN');
    const winner = responses.find((r) => r.status === 201) as HttpResponse<{ user: User }>;
    expect(winner.json.user.email).toBe('race@example.com');
    const stored = await h.repository.findByEmails(['race@example.com']);
    expect(stored.map((u) => u.id)).toEqual([winner.json.user.id]);
    expect(h.mailer.messages.filter((m) => m.to === 'race@example.com'), 'one code mailed, to the one account').toHaveLength(1);
    expect((await activityOf(winner.json.user.id)).map((a) => a.action)).toEqual(['registered']);
  });

  it('50 parallel credit spends from a balance that covers only some: exactly that many 200, the rest 409; the balance is exact, never negative, and equals the ledger sum', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const id = customer.user.id;
    const grant = await h.request<Adjusted>('POST', `/api/users/${id}/credits`, { token: admin.token, body: { amount: 100, reason: 'budget' } });
    expect(grant.status).toBe(200);
    const spend = 3;
    const n = 50;
    const affordable = Math.floor(100 / spend); // 33
    const responses = await parallel<Adjusted>(n, (i) => h.request('POST', `/api/users/${id}/credits`, { token: admin.token, body: { amount: -spend, reason: `spend ${i}` } }));
    expect(tally(responses)).toEqual({ 200: affordable, INSUFFICIENT_CREDITS: n - affordable });
    for (const res of responses) if (res.status !== 200) expectProblem(res, 409, 'INSUFFICIENT_CREDITS');
    const ok = responses.filter((r) => r.status === 200).map((r) => r.json);
    // Each success saw a distinct balance, one spend apart: 97, 94, ..., 1.
    expect(ok.map((r) => r.credits).sort((a, b) => b - a)).toEqual(Array.from({ length: affordable }, (_, i) => 100 - spend * (i + 1)));
    for (const r of ok) expect(r.transaction.balance_after).toBe(r.credits);

    const page = await h.request<{ credits: number; items: Transaction[] }>('GET', `/api/users/${id}/credits?limit=100`, { token: admin.token });
    expect(page.json.credits).toBe(100 - spend * affordable);
    expect(page.json.credits).toBeGreaterThanOrEqual(0);
    expect(page.json.items).toHaveLength(affordable + 1);
    expect(page.json.items.reduce((sum, t) => sum + t.amount, 0)).toBe(page.json.credits);
    for (const t of page.json.items) expect(t.balance_after).toBeGreaterThanOrEqual(0);
    const chain = [...page.json.items].reverse();
    chain.forEach((t, i) => expect(t.balance_after).toBe((chain[i - 1]?.balance_after ?? 0) + t.amount));
    expect((await storedRow(h, id))?.credits).toBe(page.json.credits);
    expect((await activityOf(id)).filter((a) => a.action === 'credits_adjusted')).toHaveLength(affordable + 1);
  });

  it('parallel retries with one Idempotency-Key apply once, and all answer the same transaction', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const id = customer.user.id;
    const responses = await parallel<Adjusted>(20, () =>
      h.request('POST', `/api/users/${id}/credits`, { token: admin.token, body: { amount: 7, reason: 'order 42' }, headers: { 'idempotency-key': 'order-42' } }),
    );
    expect(tally(responses)).toEqual({ 200: 20 });
    expect(new Set(responses.map((r) => r.json.transaction.id)).size).toBe(1);
    expect((await storedRow(h, id))?.credits).toBe(7);
    expect((await h.repository.listCreditTransactions(id, { limit: 100 })).items).toHaveLength(1);
  });

  it('parallel verify-email with the right code: exactly one 200, the rest 400 INVALID_VERIFICATION_CODE; verified and active once', async () => {
    await start();
    const reg = await h.request<{ user: User }>('POST', '/api/auth/register', { body: { email: 'verify-race@example.com', password: 'a sturdy passphrase' } });
    expect(reg.status).toBe(201);
    const code = h.mailer.lastCodeFor('verify-race@example.com');
    const n = 10;
    const responses = await parallel<{ user: User }>(n, (i) =>
      h.request('POST', '/api/auth/verify-email', { body: { email: i % 2 ? 'Verify-Race@Example.com' : 'verify-race@example.com', code } }),
    );
    expect(tally(responses)).toEqual({ 200: 1, INVALID_VERIFICATION_CODE: n - 1 });
    for (const res of responses) if (res.status !== 200) expectProblem(res, 400, 'INVALID_VERIFICATION_CODE');
    const stored = await storedRow(h, reg.json.user.id);
    expect(stored).toMatchObject({ email_verified: true, status: 'active', verification_code: null, verification_attempts: 0 });
    expect((await activityOf(reg.json.user.id)).map((a) => a.action)).toEqual(['email_verified', 'registered']);
  });

  it('parallel writes of one unique value: one email or username per user, one import of a new email', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const users = await Promise.all(Array.from({ length: 6 }, () => seedAs(h, 'customer')));
    const emails = await parallel<User>(users.length, (i) => h.request('PUT', `/api/users/${users[i]?.user.id}`, { token: admin.token, body: { email: i % 2 ? 'Wanted@Example.com' : 'wanted@example.com' } }));
    expect(tally(emails)).toEqual({ 200: 1, EMAIL_TAKEN: users.length - 1 });
    const usernames = await parallel<User>(users.length, (i) => h.request('PUT', `/api/users/${users[i]?.user.id}`, { token: users[i]?.token, body: { username: i % 2 ? 'Popular' : 'popular' } }));
    expect(tally(usernames)).toEqual({ 200: 1, USERNAME_TAKEN: users.length - 1 });
    for (const res of usernames) if (res.status !== 200) expectProblem(res, 409, 'USERNAME_TAKEN');

    // Two imports that each create the same new email (and one other user): one wins whole, the
    // other changes nothing — refused either as a conflict or as a row error.
    const imports = await parallel<unknown>(2, (i) =>
      h.request('POST', '/api/users/import', {
        token: admin.token,
        rawBody: toNdjson([{ email: `only-mine-${i}@example.com`, password: 'a sturdy passphrase' }, { email: 'Both@Example.com', password: 'a sturdy passphrase' }]),
        headers: { 'content-type': 'application/x-ndjson' },
      }),
    );
    const outcomes = Object.keys(tally(imports));
    expect(imports.filter((r) => r.status === 200)).toHaveLength(1);
    expect(outcomes.filter((o) => o !== '200').every((o) => o === 'EMAIL_TAKEN' || o === 'VALIDATION_ERROR'), outcomes.join()).toBe(true);
    const loser = imports.findIndex((r) => r.status !== 200);
    expect(await h.repository.findByEmail(`only-mine-${loser}@example.com`, { includeDeleted: true }), 'the losing import created nothing').toBeUndefined();
    expect(await h.repository.findByEmail(`only-mine-${1 - loser}@example.com`)).toBeDefined();
    expect(await h.repository.findByEmails(['both@example.com'])).toHaveLength(1);
  });

  it('two super admins suspending themselves at once: one succeeds, the other gets 409 LAST_SUPER_ADMIN', async () => {
    await start();
    const a = await seedAs(h, 'super');
    const b = await seedAs(h, 'super');
    const responses = await Promise.all([a, b].map((s) => h.request('PUT', `/api/users/${s.user.id}`, { token: s.token, body: { status: 'suspended' } })));
    expect(tally(responses)).toEqual({ 200: 1, LAST_SUPER_ADMIN: 1 });
    const rows = await Promise.all([a, b].map((s) => storedRow(h, s.user.id)));
    expect(rows.filter((r) => r?.status === 'active'), 'an active super admin remains').toHaveLength(1);
    expect(await h.repository.activeSuperAdminIds()).toHaveLength(1);
  });
});
