/**
 * Credits and the activity log over HTTP (docs/data-model.md#credit_transactions, docs/api.md#credits-and-activity, docs/role-policy.md, docs/security.md#transactions): adjustments with Idempotency-Key, the
 * ledger (balance == sum, never below zero), activity entries for every write committed in the
 * same transaction and never holding a secret, keyset pages, and who may do what.
 */
import { activityPageSchema, creditAdjustmentResultSchema, creditPageSchema, type User } from '@userkit/core';
import { expect, it } from 'vitest';
import { describeEachTarget, type HttpResponse } from './harness';
import { allPages, expectProblem, faults, faultyStore, login, outcome, seedAs, storedRow, toNdjson, type SeededUser } from './support';

type Transaction = { id: number; user_id: number; actor_id: number | null; amount: number; balance_after: number; reason: string; idempotency_key: string | null; created_at: string };
type CreditPage = { credits: number; items: Transaction[]; next_cursor: string | null };
type Adjusted = { credits: number; transaction: Transaction };
type Activity = { id: number; user_id: number; actor_id: number | null; action: string; changes: Record<string, unknown> | null; created_at: string };

const secretNames = ['password_hash', 'verification_code', 'verification_attempts', 'token_version'];

describeEachTarget('credits and activity', ({ store, h, start }) => {

  const adjust = (token: string, id: number, body: unknown, key?: string) =>
    h.request<Adjusted>('POST', `/api/users/${id}/credits`, { token, body, ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }) });
  const ledger = async (token: string, id: number) => (await allPages<Transaction>(h, `/api/users/${id}/credits?limit=100`, token)).items;
  const balance = async (token: string, id: number) => (await h.request<CreditPage>('GET', `/api/users/${id}/credits`, { token })).json.credits;
  const activity = async (token: string, id: number) => (await allPages<Activity>(h, `/api/users/${id}/activity?limit=100`, token)).items;

  // ---------------------------------------------------------------- credits

  it('POST /users/:id/credits → 200 { credits, transaction }; GET gives the balance and the ledger newest first; balance == sum, chained balance_after', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const id = customer.user.id;
    const steps = [100, -30, 5, -75, 12];
    let expected = 0;
    for (const amount of steps) {
      const res = await adjust(admin.token, id, { amount, reason: `  step ${amount}  ` });
      expect(res.status, res.text).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['credits', 'transaction']);
      creditAdjustmentResultSchema.parse(res.json);
      expected += amount;
      expect(res.json.credits).toBe(expected);
      expect(res.json.transaction).toMatchObject({ user_id: id, actor_id: admin.user.id, amount, balance_after: expected, reason: `step ${amount}`, idempotency_key: null });
      expect(res.json.transaction.created_at).toBe(h.clock.now().toISOString());
    }
    const page = await h.request<CreditPage>('GET', `/api/users/${id}/credits`, { token: admin.token });
    expect(page.status).toBe(200);
    expect(Object.keys(page.json).sort()).toEqual(['credits', 'items', 'next_cursor']);
    creditPageSchema.parse(page.json);
    expect(page.json.credits).toBe(12);
    expect(page.json.next_cursor).toBeNull();
    expect(page.json.items.map((t) => t.amount), 'newest first').toEqual([...steps].reverse());
    expect(page.json.items.reduce((sum, t) => sum + t.amount, 0)).toBe(page.json.credits);
    const oldestFirst = [...page.json.items].reverse();
    oldestFirst.forEach((t, i) => expect(t.balance_after).toBe((oldestFirst[i - 1]?.balance_after ?? 0) + t.amount));
    // The user carries the same balance, and the write bumped its version (ETag).
    const user = await h.request<User>('GET', `/api/users/${id}`, { token: admin.token });
    expect(user.json.credits).toBe(12);
    expect(user.json.version).toBe(customer.user.version + steps.length);
    // The customer reads its own.
    expect((await h.request<CreditPage>('GET', `/api/users/${id}/credits`, { token: customer.token })).json).toEqual(page.json);
  });

  it('POST /users/:id/credits: invalid bodies → 400 naming amount/reason, overdraft → 409 INSUFFICIENT_CREDITS; nothing changes', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const id = customer.user.id;
    expect((await adjust(admin.token, id, { amount: 10, reason: 'start' })).status).toBe(200);
    const before = await storedRow(h, id);
    const bad: [unknown, string[]][] = [
      [{ amount: 0, reason: 'zero' }, ['amount']],
      [{ amount: 1.5, reason: 'fraction' }, ['amount']],
      [{ amount: '10', reason: 'text' }, ['amount']],
      [{ amount: Number.MAX_SAFE_INTEGER, reason: 'huge' }, ['amount']],
      [{ amount: -Number.MAX_SAFE_INTEGER, reason: 'huge' }, ['amount']],
      [{ amount: 5 }, ['reason']],
      [{ amount: 5, reason: '   ' }, ['reason']],
      [{ amount: 5, reason: 'r'.repeat(501) }, ['reason']],
      [{ reason: 'no amount' }, ['amount']],
      [{}, ['amount', 'reason']],
      [{ amount: 5, reason: 'sneaky', credits: 1000 }, ['']],
      [{ amount: 5, reason: 'sneaky', user_id: 1 }, ['']],
    ];
    for (const [body, paths] of bad) {
      const problem = expectProblem(await adjust(admin.token, id, body), 400, 'VALIDATION_ERROR');
      for (const path of paths) expect(problem.errors?.map((e) => e.path), JSON.stringify(body)).toContain(path);
    }
    for (const body of [[5, 'array'], 'text', 5, null]) expectProblem(await adjust(admin.token, id, body), 400, 'VALIDATION_ERROR');
    expectProblem(await h.request('POST', `/api/users/${id}/credits`, { token: admin.token, rawBody: '{"amount": 5,', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_JSON');
    expectProblem(await h.request('POST', `/api/users/${id}/credits`, { token: admin.token, rawBody: 'amount=5&reason=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const overdraft = await adjust(admin.token, id, { amount: -11, reason: 'too much' });
    expectProblem(overdraft, 409, 'INSUFFICIENT_CREDITS');
    expect(await storedRow(h, id), 'nothing changed').toEqual(before);
    expect((await ledger(admin.token, id)).map((t) => t.amount)).toEqual([10]);
    // Spending everything is fine: the floor is zero, not one.
    expect((await adjust(admin.token, id, { amount: -10, reason: 'all of it' })).json.credits).toBe(0);
    expectProblem(await adjust(admin.token, id, { amount: -1, reason: 'one more' }), 409, 'INSUFFICIENT_CREDITS');
    expect(await balance(admin.token, id)).toBe(0);
  });

  it('Idempotency-Key: a retry applies once and answers the first transaction; a different adjustment under the same key → 400; bad keys → 400', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const other = await seedAs(h, 'customer');
    const id = customer.user.id;
    const first = await adjust(admin.token, id, { amount: 40, reason: 'order 1' }, 'order-1');
    expect(first.status).toBe(200);
    expect(first.json.transaction.idempotency_key).toBe('order-1');
    for (let i = 0; i < 3; i++) {
      const retry = await adjust(admin.token, id, { amount: 40, reason: 'order 1' }, 'order-1');
      expect(retry.status).toBe(200);
      expect(retry.json.transaction).toEqual(first.json.transaction);
      expect(retry.json.credits).toBe(40);
    }
    expect(await balance(admin.token, id)).toBe(40);
    expect(await ledger(admin.token, id)).toHaveLength(1);

    const reused = expectProblem(await adjust(admin.token, id, { amount: 41, reason: 'order 1' }, 'order-1'), 400, 'VALIDATION_ERROR');
    expect(reused.errors?.length).toBeGreaterThan(0);
    expectProblem(await adjust(admin.token, id, { amount: 40, reason: 'order 2' }, 'order-1'), 400, 'VALIDATION_ERROR');
    // Keys belong to one user: the same key elsewhere is a new adjustment.
    expect((await adjust(admin.token, other.user.id, { amount: 40, reason: 'order 1' }, 'order-1')).json.credits).toBe(40);

    // A spend applied once stays applied once, even when a retry could no longer afford it.
    const spend = await adjust(admin.token, id, { amount: -40, reason: 'spend all' }, 'spend-1');
    expect(spend.json.credits).toBe(0);
    const spendRetry = await adjust(admin.token, id, { amount: -40, reason: 'spend all' }, 'spend-1');
    expect(outcome(spendRetry)).toBe(200);
    expect(spendRetry.json.transaction).toEqual(spend.json.transaction);
    // A refused spend does not use up its key.
    expectProblem(await adjust(admin.token, id, { amount: -5, reason: 'later' }, 'later-1'), 409, 'INSUFFICIENT_CREDITS');
    expect((await adjust(admin.token, id, { amount: 5, reason: 'top up' })).status).toBe(200);
    expect((await adjust(admin.token, id, { amount: -5, reason: 'later' }, 'later-1')).json.credits).toBe(0);

    for (const key of ['has space', 'k'.repeat(201), 'tab\tkey']) {
      expectProblem(await adjust(admin.token, id, { amount: 1, reason: 'bad key' }, key), 400, 'VALIDATION_ERROR');
    }
    const sum = (await ledger(admin.token, id)).reduce((s, t) => s + t.amount, 0);
    expect(sum).toBe(await balance(admin.token, id));
  });

  it('GET /users/:id/credits pages newest first, complete and duplicate-free while adjustments land between reads; bad page queries → 400', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const id = customer.user.id;
    for (let i = 1; i <= 25; i++) expect((await adjust(admin.token, id, { amount: i % 4 === 0 ? -1 : 3, reason: `#${i}` })).status).toBe(200);
    const existing = await ledger(admin.token, id);
    expect(existing).toHaveLength(25);
    const { items, pages } = await allPages<Transaction>(h, `/api/users/${id}/credits?limit=10`, customer.token, {
      between: async () => {
        expect((await adjust(admin.token, id, { amount: 1, reason: 'meanwhile' })).status).toBe(200);
      },
    });
    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
    expect(items.map((t) => t.id), 'exactly the transactions there were, newest first').toEqual(existing.map((t) => t.id));
    const all = await ledger(admin.token, id);
    expect(all).toHaveLength(27);
    expect(all.map((t) => t.id)).toEqual([...all.map((t) => t.id)].sort((a, b) => b - a));
    expect(all.reduce((s, t) => s + t.amount, 0)).toBe(await balance(admin.token, id));

    const cursorOf = async (route: string) => (await h.request<{ next_cursor: string }>('GET', `/api/users/${id}/${route}?limit=1`, { token: admin.token })).json.next_cursor;
    const cursors = { credits: await cursorOf('credits'), activity: await cursorOf('activity') };
    for (const [route, foreign] of [['credits', cursors.activity], ['activity', cursors.credits]] as const) {
      // A cursor of the other log is refused too.
      for (const query of ['?limit=0', '?limit=101', '?limit=x', '?cursor=garbage', `?cursor=${encodeURIComponent(foreign)}`, '?sort=amount', '?offset=10']) {
        expectProblem(await h.request('GET', `/api/users/${id}/${route}${query}`, { token: admin.token }), 400, 'VALIDATION_ERROR');
      }
    }
  });

  // ---------------------------------------------------------------- activity

  it('every write appends an activity entry, newest first, with old/new values for non-sensitive fields and never a secret', async () => {
    await start();
    const root = await seedAs(h, 'super');
    const admin = await seedAs(h, 'admin');
    const passwords = ['first secret passphrase', 'second secret passphrase', 'admin set passphrase'];
    const [p1, p2, p3] = passwords as [string, string, string];
    const hashes = new Set<string>();
    const remember = async (id: number) => {
      const row = await storedRow(h, id);
      for (const v of [row?.password_hash, row?.verification_code]) if (v) hashes.add(v);
    };

    const reg = await h.request<{ user: User }>('POST', '/api/auth/register', { body: { email: 'log@example.com', password: p1, name: 'Log' } });
    expect(reg.status).toBe(201);
    const id = reg.json.user.id;
    await remember(id);
    expectProblem(await h.request('POST', '/api/auth/verify-email', { body: { email: 'log@example.com', code: '000000' === h.mailer.lastCodeFor('log@example.com') ? '111111' : '000000' } }), 400, 'INVALID_VERIFICATION_CODE');
    expect((await h.request('POST', '/api/auth/verify-email', { body: { email: 'log@example.com', code: h.mailer.lastCodeFor('log@example.com') } })).status).toBe(200);
    const signIn = await login(h, 'log@example.com', p1);
    const token = signIn.json.access_token;
    expect((await h.request('PUT', `/api/users/${id}`, { token, body: { city: 'Porto' } })).status).toBe(200);
    expect((await h.request('PUT', `/api/users/${id}`, { token, body: { email: 'log2@example.com', phone: '+351 1' } })).status).toBe(200);
    await remember(id);
    expect((await h.request('POST', `/api/users/${id}/password`, { token, body: { current_password: p1, new_password: p2 } })).status).toBe(204);
    await remember(id);
    expect((await h.request('PUT', `/api/users/${id}`, { token: admin.token, body: { status: 'suspended' } })).status).toBe(200);
    expect((await h.request('PUT', `/api/users/${id}`, { token: admin.token, body: { status: 'active', lead_status: 'qualified', notes: 'vip' } })).status).toBe(200);
    expect((await h.request('POST', `/api/users/${id}/password`, { token: admin.token, body: { new_password: p3 } })).status).toBe(204);
    await remember(id);
    expect((await adjust(admin.token, id, { amount: 25, reason: 'welcome' })).status).toBe(200);
    expect((await h.request('PUT', `/api/users/${id}`, { token: root.token, body: { user_type: 'admin' } })).status).toBe(200);
    // A no-op write changes nothing and logs nothing.
    expect((await h.request('PUT', `/api/users/${id}`, { token: root.token, body: { city: 'Porto' } })).status).toBe(200);

    const items = await activity(root.token, id);
    const page = await h.request('GET', `/api/users/${id}/activity`, { token: root.token });
    activityPageSchema.parse(page.json);
    expect(items.map((a) => a.action)).toEqual([
      'role_changed',
      'credits_adjusted',
      'password_changed',
      'status_changed',
      'status_changed',
      'password_changed',
      'updated',
      'updated',
      'login',
      'email_verified',
      'verification_failed',
      'registered',
    ]);
    expect(items.map((a) => a.id), 'newest first').toEqual([...items.map((a) => a.id)].sort((a, b) => b - a));
    for (const a of items) expect(a.user_id).toBe(id);
    const byAction = (action: string, nth = 0) => items.filter((a) => a.action === action).reverse()[nth];
    expect(byAction('registered')?.actor_id).toBe(id);
    expect(byAction('updated', 0)).toMatchObject({ actor_id: id, changes: { city: { old: null, new: 'Porto' } } });
    expect(Object.keys(byAction('updated', 0)?.changes ?? {})).toEqual(['city']);
    expect(byAction('updated', 1)?.changes).toMatchObject({ email: { old: 'log@example.com', new: 'log2@example.com' }, phone: { old: null, new: '+351 1' }, email_verified: { old: true, new: false } });
    expect(byAction('status_changed', 0)).toMatchObject({ actor_id: admin.user.id, changes: { status: { old: 'active', new: 'suspended' } } });
    expect(byAction('status_changed', 1)?.changes).toMatchObject({ status: { old: 'suspended', new: 'active' }, lead_status: { old: null, new: 'qualified' }, notes: { old: null, new: 'vip' } });
    expect(byAction('password_changed', 0)?.actor_id).toBe(id);
    expect(byAction('password_changed', 1)?.actor_id).toBe(admin.user.id);
    expect(byAction('credits_adjusted')).toMatchObject({ actor_id: admin.user.id, changes: { credits: { old: 0, new: 25 }, amount: 25, reason: 'welcome' } });
    expect(byAction('role_changed')).toMatchObject({ actor_id: root.user.id, changes: { user_type: { old: 'customer', new: 'admin' } } });

    // Admin-created and deleted users are logged too (the deleted user's log is kept).
    const created = await h.request<User>('POST', '/api/users', { token: admin.token, body: { email: 'made@example.com', password: 'made by an admin' } });
    expect((await activity(admin.token, created.json.id)).map((a) => [a.action, a.actor_id])).toEqual([['created', admin.user.id]]);
    await remember(created.json.id);
    expect((await h.request('DELETE', `/api/users/${created.json.id}`, { token: admin.token })).status).toBe(204);
    const kept = await h.repository.listActivity(created.json.id, { limit: 10 });
    expect(kept.items.map((a) => [a.action, a.actor_id])).toEqual([
      ['deleted', admin.user.id],
      ['created', admin.user.id],
    ]);

    // No secret anywhere in the log: not a column name, a hash, a password or a mailed code.
    const text = JSON.stringify([items, kept.items]);
    const codes = h.mailer.messages.map((m) => m.code).filter((c): c is string => c !== undefined);
    expect(codes.length).toBeGreaterThanOrEqual(2);
    expect(hashes.size).toBeGreaterThanOrEqual(5);
    for (const name of [...secretNames, 'verification_expires']) expect(text, name).not.toContain(name);
    for (const secret of [...hashes, ...passwords, 'made by an admin']) expect(text).not.toContain(secret);
    for (const code of codes) expect(text).not.toContain(`"${code}"`);
  });

  it('a write whose activity entry fails is rolled back: the write and its entry commit in one transaction', async () => {
    await start({}, faultyStore(store));
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer', { city: 'Before' });
    const pending = await seedAs(h, 'customer', { status: 'pending', email_verified: false });
    await h.service.resendVerification({ email: pending.user.email });
    const code = h.mailer.lastCodeFor(pending.user.email);
    const id = customer.user.id;
    const rows = async () => Promise.all([id, pending.user.id].map((u) => storedRow(h, u)));
    const before = await rows();
    const activityBefore = await h.repository.listActivity(id, { limit: 100 });
    const mailBefore = h.mailer.messages.length;

    faults(h).fail(['appendActivity', 'appendActivities'], new Error('activity log unavailable'));
    const outcomes: Record<string, string | number> = {};
    const run = async (label: string, request: () => Promise<HttpResponse<unknown>>) => {
      outcomes[label] = outcome(await request());
    };
    await run('register', () => h.request('POST', '/api/auth/register', { body: { email: 'never@example.com', password: 'a sturdy passphrase' } }));
    await run('create', () => h.request('POST', '/api/users', { token: admin.token, body: { email: 'never2@example.com', password: 'a sturdy passphrase' } }));
    await run('update', () => h.request('PUT', `/api/users/${id}`, { token: admin.token, body: { city: 'After' } }));
    await run('status', () => h.request('PUT', `/api/users/${id}`, { token: admin.token, body: { status: 'suspended' } }));
    await run('password', () => h.request('POST', `/api/users/${id}/password`, { token: admin.token, body: { new_password: 'a replaced passphrase' } }));
    await run('credits', () => adjust(admin.token, id, { amount: 50, reason: 'lost' }));
    await run('login', () => login(h, customer.user.email, customer.password));
    await run('verify', () => h.request('POST', '/api/auth/verify-email', { body: { email: pending.user.email, code } }));
    await run('import', () => h.request('POST', '/api/users/import', { token: admin.token, rawBody: toNdjson([{ email: 'never3@example.com', password: 'a sturdy passphrase' }]), headers: { 'content-type': 'application/x-ndjson' } }));
    await run('delete', () => h.request('DELETE', `/api/users/${id}`, { token: admin.token }));
    expect(outcomes).toEqual(Object.fromEntries(Object.keys(outcomes).map((label) => [label, 'INTERNAL_ERROR'])));
    expect(Object.keys(outcomes)).toHaveLength(10);

    faults(h).heal();
    expect(await rows(), 'no write survived without its entry').toEqual(before);
    for (const email of ['never@example.com', 'never2@example.com', 'never3@example.com']) expect(await h.repository.findByEmail(email, { includeDeleted: true }), email).toBeUndefined();
    expect(await h.repository.listCreditTransactions(id, { limit: 10 })).toEqual({ items: [], next_cursor: null });
    expect(await h.repository.listActivity(id, { limit: 100 })).toEqual(activityBefore);
    expect(h.mailer.messages.length, 'no mail for a write that did not happen').toBe(mailBefore);
    // Healed, the same writes work and log.
    expect((await h.request('PUT', `/api/users/${id}`, { token: admin.token, body: { city: 'After' } })).status).toBe(200);
    expect((await adjust(admin.token, id, { amount: 50, reason: 'kept' })).status).toBe(200);
    expect((await h.repository.listActivity(id, { limit: 100 })).items.map((a) => a.action).slice(0, 2)).toEqual(['credits_adjusted', 'updated']);
  });

  it('GET /users/:id/activity pages newest first, complete and duplicate-free while entries are appended between reads', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const id = customer.user.id;
    for (let i = 1; i <= 23; i++) expect((await h.request('PUT', `/api/users/${id}`, { token: admin.token, body: { name: `Name ${i}` } })).status).toBe(200);
    const existing = await activity(admin.token, id);
    expect(existing).toHaveLength(23);
    const { items, pages } = await allPages<Activity>(h, `/api/users/${id}/activity?limit=10`, customer.token, {
      between: async (n) => {
        expect((await h.request('PUT', `/api/users/${id}`, { token: admin.token, body: { name: `Meanwhile ${n}` } })).status).toBe(200);
      },
    });
    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 3]);
    expect(items.map((a) => a.id)).toEqual(existing.map((a) => a.id));
    expect(items.map((a) => (a.changes?.['name'] as { new: string }).new)).toEqual(Array.from({ length: 23 }, (_, i) => `Name ${23 - i}`));
    expect(await activity(admin.token, id)).toHaveLength(25);
  });

  // ---------------------------------------------------------------- policy

  it('policy: customers get 403 on stats/export/import/adjust and on anyone else’s credits or activity; admins adjust customers only; super admins adjust anyone', async () => {
    await start();
    const root = await seedAs(h, 'super');
    const root2 = await seedAs(h, 'super');
    const admin = await seedAs(h, 'admin');
    const admin2 = await seedAs(h, 'admin');
    const customer = await seedAs(h, 'customer');
    const other = await seedAs(h, 'customer');
    const deleted = await seedAs(h, 'customer');
    expect((await adjust(root.token, customer.user.id, { amount: 10, reason: 'seed' })).status).toBe(200);
    expect((await adjust(root.token, other.user.id, { amount: 10, reason: 'seed' })).status).toBe(200);
    expect((await h.request('DELETE', `/api/users/${deleted.user.id}`, { token: root.token })).status).toBe(204);
    const snapshot = async () => Promise.all([root, root2, admin, admin2, customer, other].map((u) => storedRow(h, u.user.id)));
    const before = await snapshot();
    const me = customer.user.id;

    // Collection routes.
    expectProblem(await h.request('GET', '/api/users/stats', { token: customer.token }), 403, 'FORBIDDEN');
    expectProblem(await h.request('GET', '/api/users/export?format=csv', { token: customer.token }), 403, 'FORBIDDEN');
    expectProblem(await h.request('GET', '/api/users', { token: customer.token }), 403, 'FORBIDDEN');
    const importBody = toNdjson([{ email: 'sneak@example.com', password: 'a sturdy passphrase' }]);
    expectProblem(await h.request('POST', '/api/users/import', { token: customer.token, rawBody: importBody, headers: { 'content-type': 'application/x-ndjson' } }), 403, 'FORBIDDEN');
    // Adjusting, even its own balance.
    expectProblem(await adjust(customer.token, me, { amount: 1000, reason: 'free money' }), 403, 'FORBIDDEN');

    // BOLA: the same 403, byte for byte, for every id but its own, existing or not.
    const bodies = new Map<string, string>();
    for (const id of [other.user.id, admin.user.id, root.user.id, deleted.user.id, 999_999]) {
      for (const [method, path, body] of [
        ['GET', `/api/users/${id}/credits`, undefined],
        ['GET', `/api/users/${id}/credits?limit=1`, undefined],
        ['GET', `/api/users/${id}/activity`, undefined],
        ['POST', `/api/users/${id}/credits`, { amount: -10, reason: 'steal' }],
      ] as const) {
        const res = await h.request(method, path, { token: customer.token, body });
        expectProblem(res, 403, 'FORBIDDEN');
        const key = `${method} ${path.replace(String(id), ':id')}`;
        if (!bodies.has(key)) bodies.set(key, res.text);
        expect(res.text, `${key} on ${id}`).toBe(bodies.get(key));
      }
    }
    // Its own credits and activity it may read.
    const own = await h.request<CreditPage>('GET', `/api/users/${me}/credits`, { token: customer.token });
    expect([own.status, own.json.credits]).toEqual([200, 10]);
    const ownLog = await h.request<{ items: Activity[] }>('GET', `/api/users/${me}/activity`, { token: customer.token });
    expect(ownLog.status).toBe(200);
    expect(ownLog.json.items.map((a) => a.action)).toEqual(['credits_adjusted']);
    expect(await snapshot(), 'nothing the customer tried changed anything').toEqual(before);

    // Admins: adjust customers; not themselves, other admins or super admins (FORBIDDEN); read anyone's.
    const table: [SeededUser, SeededUser, number | string][] = [
      [admin, customer, 200],
      [admin, admin, 'FORBIDDEN'],
      [admin, admin2, 'FORBIDDEN'],
      [admin, root, 'FORBIDDEN'],
      [root, customer, 200],
      [root, admin, 200],
      [root, root2, 200],
      [root, root, 200],
    ];
    const got: (number | string)[] = [];
    for (const [actor, target] of table) {
      const targetBefore = await storedRow(h, target.user.id);
      const res = await adjust(actor.token, target.user.id, { amount: 3, reason: 'policy' });
      got.push(outcome(res));
      if (res.status === 403) expect(await storedRow(h, target.user.id)).toEqual(targetBefore);
      else expect(res.json.credits).toBe((targetBefore?.credits ?? 0) + 3);
    }
    expect(got).toEqual(table.map(([, , expected]) => expected));
    for (const target of [admin2, root, customer, admin]) {
      expect((await h.request('GET', `/api/users/${target.user.id}/credits`, { token: admin.token })).status).toBe(200);
      expect((await h.request('GET', `/api/users/${target.user.id}/activity`, { token: admin.token })).status).toBe(200);
    }
    // Admins learn that an id is missing or deleted.
    for (const id of [deleted.user.id, 999_999]) {
      expectProblem(await adjust(admin.token, id, { amount: 1, reason: 'ghost' }), 404, 'NOT_FOUND');
      expectProblem(await h.request('GET', `/api/users/${id}/credits`, { token: admin.token }), 404, 'NOT_FOUND');
      expectProblem(await h.request('GET', `/api/users/${id}/activity`, { token: root.token }), 404, 'NOT_FOUND');
    }
    // Nobody signed in: 401 with WWW-Authenticate.
    for (const [method, path] of [
      ['GET', '/api/users/stats'],
      ['GET', `/api/users/${me}/credits`],
      ['GET', `/api/users/${me}/activity`],
      ['POST', `/api/users/${me}/credits`],
    ] as const) {
      const res = await h.request(method, path, { body: method === 'POST' ? { amount: 1, reason: 'x' } : undefined });
      expectProblem(res, 401, 'UNAUTHENTICATED');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });
});
