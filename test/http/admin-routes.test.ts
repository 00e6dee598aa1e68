/**
 * The admin operations over HTTP (docs/api.md#admin-collection-routes): the user list under concurrent inserts, statistics,
 * export (CSV and NDJSON) and import (CSV and NDJSON, dry run, conflicts, legacy bcrypt hashes,
 * all-or-nothing, limits).
 */
import { exportColumns, importResultSchema, userPageSchema, userSchema, userStatsSchema, type ImportResult, type User } from '@userkit/core';
import bcrypt from 'bcryptjs';
import { expect, it } from 'vitest';
import { describeEachTarget } from './harness';
import { acceptBcryptHashes, allPages, csvObjects, expectProblem, login, parseCsv, seedAs, sendChunked, storedRow, toCsv, toNdjson, type SeededUser } from './support';

type Page = { items: User[]; next_cursor: string | null; total: number };
type Activity = { id: number; user_id: number; actor_id: number | null; action: string; changes: Record<string, unknown> | null; created_at: string };

const userKeys = Object.keys(userSchema.shape).sort();
const secretNames = ['password_hash', 'verification_code', 'verification_attempts', 'token_version'];
const day = 86_400_000;
const csvType = 'text/csv';
const ndjsonType = 'application/x-ndjson';

describeEachTarget('admin routes', ({ h, start }) => {
  const upload = (token: string, type: string, body: string, query = '') =>
    h.request<ImportResult>('POST', `/api/users/import${query}`, { token, rawBody: body, headers: { 'content-type': type } });
  const listAll = async (token: string, query = ''): Promise<User[]> => (await allPages<User>(h, `/api/users?limit=100${query ? `&${query}` : ''}`, token)).items;
  const liveCount = async (token: string) => (await h.request<Page>('GET', '/api/users?limit=1', { token })).json.total;

  // ---------------------------------------------------------------- list

  it('GET /users: unknown filters or sorts, repeated and malformed values → 400 VALIDATION_ERROR naming them', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    await seedAs(h, 'customer', { lead_status: 'lead' });
    await seedAs(h, 'customer');
    const bad: [string, string][] = [
      ['?role=admin', ''],
      ['?user_type=customer&deleted=true', ''],
      ['?sort=role', 'sort'],
      ['?sort=-password_hash', 'sort'],
      ['?sort=%2Bname', 'sort'],
      ['?sort=name,email', 'sort'],
      ['?sort=NAME', 'sort'],
      ['?sort=name&sort=email', 'sort'],
      ['?lead_status=hot', 'lead_status'],
      ['?status=deleted', 'status'],
      ['?created_before=31%2F01%2F2026', 'created_before'],
      ['?limit=-1', 'limit'],
      [`?q=${'x'.repeat(201)}`, 'q'],
    ];
    for (const [query, path] of bad) {
      const problem = expectProblem(await h.request('GET', `/api/users${query}`, { token: admin.token }), 400, 'VALIDATION_ERROR');
      expect(problem.errors?.map((e) => e.path), query).toContain(path);
      for (const e of problem.errors ?? []) expect(e.message, query).toMatch(/\w/);
    }
    // `total` counts every match, not the page.
    const page = await h.request<Page>('GET', '/api/users?user_type=customer&limit=1', { token: admin.token });
    expect(page.status).toBe(200);
    userPageSchema.parse(page.json);
    expect([page.json.items.length, page.json.total, typeof page.json.next_cursor]).toEqual([1, 2, 'string']);
    expect((await h.request<Page>('GET', '/api/users?lead_status=lead&limit=1', { token: admin.token })).json).toMatchObject({ total: 1, total_capped: false, next_cursor: null });
  });

  it('GET /users: pages stay complete and duplicate-free for every sort while users are inserted between page reads', async () => {
    await start();
    const admin = await seedAs(h, 'admin', { name: 'M admin' });
    const names = ['alice', 'Alice', null, 'bob', 'Bob', 'zed', 'mike', '', 'carol', 'alice', 'Yan', 'Mike'];
    const at = h.clock.now().getTime();
    let n = 0;
    const add = async (label: string) => {
      n++;
      // Equal timestamps in twos (ties broken by id), names with case and null ties, some credits and logins.
      const created = new Date(at - (n % 7) * 60_000 + Math.floor(n / 2) * 1000);
      const seeded = await seedAs(h, 'customer', {
        name: names[n % names.length] ?? null,
        email: `${label}-${String.fromCharCode(97 + ((n * 7) % 26))}${n}@example.com`,
        created_at: created,
        updated_at: new Date(created.getTime() + (n % 3) * 1000),
        last_login: n % 4 === 0 ? null : new Date(at - (n % 5) * 1000),
      });
      if (n % 3 !== 0) await h.service.grantCredits(seeded.user.id, (n % 4) + 1, 'seed');
      return seeded.user.id;
    };
    for (let i = 0; i < 11; i++) await add('base');

    for (const sort of ['-created_at', 'created_at', 'name', '-name', 'email', '-email', 'credits', '-credits', 'last_login', '-updated_at']) {
      const before = new Set((await listAll(admin.token)).map((u) => u.id));
      const inserted = new Set<number>();
      const { items, pages } = await allPages<User>(h, `/api/users?limit=4&sort=${sort}`, admin.token, {
        // Two users after each of the first three pages: some sort before the cursor, some after.
        between: async (page) => {
          if (page <= 3) for (let i = 0; i < 2; i++) inserted.add(await add(`mid${sort.replace('-', 'd')}`));
        },
      });
      const ids = items.map((u) => u.id);
      expect(ids.length - new Set(ids).size, `${sort}: no user twice`).toBe(0);
      expect([...before].filter((id) => !ids.includes(id)), `${sort}: every user present at the start is listed`).toEqual([]);
      expect(ids.filter((id) => !before.has(id) && !inserted.has(id)), sort).toEqual([]);
      expect(pages.length, sort).toBeGreaterThanOrEqual(Math.ceil(before.size / 4));
      // And the walk is in order: the sort key, then id, in the sort's direction.
      const key = sort.replace('-', '') as keyof User;
      if (['created_at', 'updated_at', 'credits', 'email'].includes(key)) {
        const sign = sort.startsWith('-') ? -1 : 1;
        for (let i = 1; i < items.length; i++) {
          const [a, b] = [items[i - 1] as User, items[i] as User];
          const [ka, kb] = [a[key] as string | number, b[key] as string | number];
          const cmp = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
          expect(cmp * sign, `${sort}: ${a.id} (${String(ka)}) before ${b.id} (${String(kb)})`).toBeLessThan(0);
        }
      }
    }
  });

  // ---------------------------------------------------------------- stats

  it('GET /users/stats: totals by type, status, lead status and verification, 30 zero-filled UTC days, credits in circulation; deleted users not counted', async () => {
    await start();
    const now = new Date('2026-03-01T00:30:00.000Z');
    h.clock.set(now);
    const root = await seedAs(h, 'super');
    const other = await seedAs(h, 'admin', { status: 'inactive', email_verified: false, created_at: new Date('2026-02-28T23:59:59.999Z') });
    const c1 = await seedAs(h, 'customer', { lead_status: 'lead', created_at: new Date('2026-01-31T00:00:00.000Z') });
    await seedAs(h, 'customer', { lead_status: 'qualified', status: 'pending', email_verified: false, created_at: new Date('2026-01-30T23:59:59.999Z') });
    const c3 = await seedAs(h, 'customer', { lead_status: 'customer', status: 'suspended', created_at: new Date('2026-02-15T12:00:00.000Z') });
    await seedAs(h, 'customer', { lead_status: 'closed', created_at: new Date('2026-02-15T23:00:00.000Z') });
    await seedAs(h, 'customer', { created_at: new Date('2026-03-01T00:00:00.000Z') });
    const gone = await seedAs(h, 'customer', { lead_status: 'lead', created_at: new Date('2026-02-20T10:00:00.000Z') });
    for (const [id, amount] of [[c1.user.id, 50], [c3.user.id, 7], [gone.user.id, 100], [root.user.id, 3]] as const) {
      expect((await h.request('POST', `/api/users/${id}/credits`, { token: root.token, body: { amount, reason: 'stats' } })).status).toBe(200);
    }
    expect((await h.request('POST', `/api/users/${c1.user.id}/credits`, { token: root.token, body: { amount: -5, reason: 'spent' } })).status).toBe(200);
    expect((await h.request('DELETE', `/api/users/${gone.user.id}`, { token: root.token })).status).toBe(204);

    const res = await h.request<Record<string, unknown>>('GET', '/api/users/stats', { token: root.token });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const stats = userStatsSchema.parse(res.json);
    const days = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2026, 0, 31) + i * day).toISOString().slice(0, 10));
    const signups = Object.fromEntries(days.map((d) => [d, 0]));
    Object.assign(signups, { '2026-01-31': 1, '2026-02-15': 2, '2026-02-28': 1, '2026-03-01': 2 });
    expect(res.json).toEqual({
      total: 7,
      by_user_type: { admin: 2, customer: 5 },
      by_status: { active: 4, inactive: 1, pending: 1, suspended: 1 },
      by_lead_status: { lead: 1, qualified: 1, customer: 1, closed: 1, none: 3 },
      email_verified: { verified: 5, unverified: 2 },
      signups_per_day: days.map((date) => ({ date, count: signups[date] })),
      credits_in_circulation: 55,
    });
    expect(stats.signups_per_day).toHaveLength(30);
    expect(stats.signups_per_day.at(-1)?.date, 'the last entry is today (UTC)').toBe('2026-03-01');
    expect(other.user.status).toBe('inactive');

    // An admin may read them too; a customer may not.
    const plain = await seedAs(h, 'admin');
    expect((await h.request('GET', '/api/users/stats', { token: plain.token })).status).toBe(200);
    expectProblem(await h.request('GET', '/api/users/stats', { token: c1.token }), 403, 'FORBIDDEN');
    expectProblem(await h.request('GET', '/api/users/stats'), 401, 'UNAUTHENTICATED');
  });

  // ---------------------------------------------------------------- export

  it('GET /users/export?format=csv: attachment, header of public columns, formula cells neutralised, quoting round-trips, never a secret', async () => {
    await start();
    const admin = await seedAs(h, 'admin', { name: 'Export Admin' });
    const risky = ['=HYPERLINK("x")', '+1', '-2', '@cmd'];
    const riskyUsers: SeededUser[] = [];
    for (const name of risky) riskyUsers.push(await seedAs(h, 'customer', { name }));
    const plain = await seedAs(h, 'customer', {
      name: 'Smith, "Junior"',
      notes: 'line one\nline two, with "quotes"',
      city: '=1+2',
      business_site: 'https://shop.example/a,b',
      additional_websites: ['https://a.example', 'https://b.example'],
      phone: '+351 212 000 000',
      lead_status: 'qualified',
    });
    await h.request('POST', '/api/auth/register', { body: { email: 'pending@example.com', password: 'a sturdy passphrase' } });
    const deleted = await seedAs(h, 'customer', { name: 'Deleted' });
    expect((await h.request('DELETE', `/api/users/${deleted.user.id}`, { token: admin.token })).status).toBe(204);

    const res = await h.request('GET', '/api/users/export?format=csv', { token: admin.token });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;\s*filename="?users\.csv"?$/);
    expect(res.headers.get('content-length'), 'streamed, not buffered').toBeNull();
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([...exportColumns]);
    for (const name of secretNames) expect(rows[0], name).not.toContain(name);
    const objects = csvObjects(res.text);
    const listed = await listAll(admin.token);
    expect(objects.map((o) => Number(o['id'])), 'same users, same order as the list').toEqual(listed.map((u) => u.id));
    expect(objects.map((o) => o['email'])).not.toContain(deleted.user.email);

    const byId = new Map(objects.map((o) => [Number(o['id']), o]));
    for (const [i, seeded] of riskyUsers.entries()) expect(byId.get(seeded.user.id)?.['name'], risky[i]).toBe(`'${risky[i]}`);
    const p = byId.get(plain.user.id);
    expect(p?.['name']).toBe('Smith, "Junior"');
    expect(p?.['notes']).toBe('line one\nline two, with "quotes"');
    expect(p?.['city']).toBe(`'=1+2`);
    expect(p?.['business_site']).toBe('https://shop.example/a,b');
    expect(p?.['lead_status']).toBe('qualified');
    expect(byId.get(admin.user.id)?.['email']).toBe(admin.user.email);
    // No cell of any row is a formula.
    for (const row of rows.slice(1)) for (const cell of row) expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(/^[=+\-@\t\r]/);

    const stored = await Promise.all(listed.map((u) => storedRow(h, u.id)));
    const secrets = stored.flatMap((r) => [r?.password_hash, r?.verification_code]).filter((v): v is string => typeof v === 'string');
    expect(secrets.length).toBeGreaterThan(riskyUsers.length);
    for (const secret of secrets) expect(res.text).not.toContain(secret);
    for (const name of secretNames) expect(res.text).not.toContain(name);
    expect(res.text).not.toContain(h.mailer.lastCodeFor('pending@example.com') ?? 'no code');
  });

  it('GET /users/export?format=ndjson: the list filters and sort, one public user per line; bad queries → 400; customers → 403', async () => {
    await start();
    const admin = await seedAs(h, 'admin', { name: 'Admin' });
    const t0 = h.clock.now();
    const seeded: SeededUser[] = [];
    for (let i = 0; i < 9; i++) {
      h.clock.advance(60_000);
      seeded.push(
        await seedAs(h, 'customer', {
          name: ['Ann', 'bea', 'Cy', 'dot', 'Eve'][i % 5] ?? null,
          email: `${i % 2 ? 'shop' : 'home'}${i}@example.com`,
          lead_status: (['lead', 'qualified', null] as const)[i % 3] ?? null,
          status: i % 4 === 0 ? 'pending' : 'active',
          email_verified: i % 4 !== 0,
        }),
      );
      if (i % 2 === 0) await h.service.grantCredits(seeded[i]?.user.id ?? 0, i + 1, 'seed');
    }
    const t5 = new Date(t0.getTime() + 5 * 60_000).toISOString();
    const queries = ['', 'user_type=customer', 'q=SHOP&sort=name', 'status=pending&email_verified=false', 'lead_status=lead&sort=-credits', `created_after=${encodeURIComponent(t5)}&sort=email`, 'sort=-name&q=e'];
    for (const query of queries) {
      const res = await h.request('GET', `/api/users/export?format=ndjson${query ? `&${query}` : ''}`, { token: admin.token });
      expect(res.status, `${query}: ${res.text.slice(0, 200)}`).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;\s*filename="?users\.ndjson"?$/);
      expect(res.headers.get('content-length'), 'streamed, not buffered').toBeNull();
      expect(res.text === '' || res.text.endsWith('\n')).toBe(true);
      const lines = res.text.split('\n').filter((l) => l !== '');
      const exported = lines.map((line) => JSON.parse(line) as User);
      for (const user of exported) expect(Object.keys(user).sort()).toEqual(userKeys);
      expect(exported, query).toEqual(await listAll(admin.token, query));
      // CSV gives the same users in the same order.
      const csv = await h.request('GET', `/api/users/export${query ? `?${query}` : ''}`, { token: admin.token });
      expect(csv.headers.get('content-type'), 'csv is the default format').toMatch(/^text\/csv/);
      expect(csvObjects(csv.text).map((o) => Number(o['id'])), query).toEqual(exported.map((u) => u.id));
    }
    expect(queries.length).toBeGreaterThan(5);

    const bad: [string, string][] = [
      ['format=xlsx', 'format'],
      ['format=ndjson&cursor=abc', ''],
      ['format=ndjson&limit=5', ''],
      ['format=csv&password_hash=x', ''],
      ['format=csv&sort=password_hash', 'sort'],
      ['format=csv&status=gone', 'status'],
    ];
    for (const [query, path] of bad) {
      const problem = expectProblem(await h.request('GET', `/api/users/export?${query}`, { token: admin.token }), 400, 'VALIDATION_ERROR');
      expect(problem.errors?.map((e) => e.path), query).toContain(path);
    }
    const customer = seeded[1] as SeededUser;
    for (const format of ['csv', 'ndjson']) {
      const res = await h.request('GET', `/api/users/export?format=${format}`, { token: customer.token });
      expectProblem(res, 403, 'FORBIDDEN');
      expect(res.text).not.toContain(admin.user.email);
    }
    expectProblem(await h.request('GET', '/api/users/export'), 401, 'UNAUTHENTICATED');
  });

  it('GET /users/export streams thousands of users in batches: every user exactly once, in order', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const now = h.clock.now();
    const total = 2_345;
    const hash = 'test$0000000000000000000000000000000000000000000000000000000000000000';
    const rows = Array.from({ length: total }, (_, i) => ({
      email: `bulk${String(i).padStart(5, '0')}@example.com`,
      password_hash: hash,
      user_type: 'customer' as const,
      status: 'active' as const,
      // Many equal timestamps across batch boundaries (ties broken by id).
      name: `Bulk ${i % 10}`,
      created_at: new Date(now.getTime() - Math.floor(i / 500) * 1000),
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 1000) await h.repository.insertMany(rows.slice(i, i + 1000));
    for (const sort of ['-created_at', 'name']) {
      const res = await h.request('GET', `/api/users/export?format=ndjson&sort=${sort}`, { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBeNull();
      const ids = res.text
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as User).id);
      expect(ids, sort).toHaveLength(total + 1);
      expect(new Set(ids).size, sort).toBe(total + 1);
      expect(res.text).not.toContain(hash);
      const firstPage = await h.request<Page>('GET', `/api/users?limit=100&sort=${sort}`, { token: admin.token });
      expect(ids.slice(0, 100), sort).toEqual(firstPage.json.items.map((u) => u.id));
    }
    const csv = await h.request('GET', '/api/users/export?format=csv&q=bulk01', { token: admin.token });
    expect(csvObjects(csv.text)).toHaveLength(1000);
  });

  // ---------------------------------------------------------------- import

  it('POST /users/import (CSV): creates users; a row with an existing bcrypt password_hash keeps it as is, so the old password signs in', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const legacyPassword = 'my old legacy passphrase';
    const legacyHash = await bcrypt.hash(legacyPassword, 10);
    expect(legacyHash).toMatch(/^\$2[aby]\$10\$/);
    const csv = toCsv(
      ['email', 'name', 'password', 'password_hash', 'lead_status', 'additional_websites', 'email_verified', 'city'],
      [
        ['Legacy@Example.com', 'Legacy Lee', '', legacyHash, 'lead', 'https://a.example https://b.example', 'true', 'Porto'],
        ['fresh@example.com', 'Fresh, "Frank"', 'a sturdy import passphrase', '', 'qualified', '', 'false', ''],
      ],
    );
    const res = await upload(admin.token, 'text/csv; charset=utf-8', csv);
    expect(res.status, res.text).toBe(200);
    expect(importResultSchema.parse(res.json)).toEqual({ created: 2, updated: 0, skipped: 0, dry_run: false, errors: [] });
    expect(res.text).not.toContain(legacyHash);

    const users = await listAll(admin.token, 'sort=email');
    const legacy = users.find((u) => u.email === 'legacy@example.com');
    const fresh = users.find((u) => u.email === 'fresh@example.com');
    expect(legacy).toMatchObject({ name: 'Legacy Lee', user_type: 'customer', status: 'active', lead_status: 'lead', email_verified: true, credits: 0, city: 'Porto', is_super_admin: false });
    expect(legacy?.additional_websites).toEqual(['https://a.example', 'https://b.example']);
    expect(fresh).toMatchObject({ name: 'Fresh, "Frank"', lead_status: 'qualified', email_verified: false, city: null });
    expect((await storedRow(h, legacy?.id ?? 0))?.password_hash, 'stored as is').toBe(legacyHash);

    const undo = acceptBcryptHashes();
    try {
      const signIn = await login(h, 'legacy@example.com', legacyPassword);
      expect(signIn.status, signIn.text).toBe(200);
      expect(signIn.json.user.id).toBe(legacy?.id);
      expectProblem(await login(h, 'legacy@example.com', 'not the old passphrase'), 401, 'INVALID_CREDENTIALS');
    } finally {
      undo();
    }
    expect((await login(h, 'fresh@example.com', 'a sturdy import passphrase')).status).toBe(200);

    const activity = await h.request<{ items: Activity[] }>('GET', `/api/users/${legacy?.id}/activity`, { token: admin.token });
    expect(activity.json.items.map((a) => a.action)).toContain('imported');
    expect(activity.json.items.find((a) => a.action === 'imported')).toMatchObject({ actor_id: admin.user.id, user_id: legacy?.id });
    expect(activity.text).not.toContain(legacyHash);
    expect(activity.text).not.toContain('password_hash');
  });

  it('POST /users/import (NDJSON): on_conflict=error rejects the whole import, skip skips, update updates (emails compared case-insensitively)', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const keep = await seedAs(h, 'customer', { email: 'keep@example.com', city: 'Old', name: 'Keep' });
    const gone = await seedAs(h, 'customer', { email: 'gone@example.com' });
    expect((await h.request('DELETE', `/api/users/${gone.user.id}`, { token: admin.token })).status).toBe(204);
    const countBefore = await liveCount(admin.token);
    const keepBefore = await storedRow(h, keep.user.id);

    const rows = [
      { email: 'new1@example.com', password: 'first new passphrase', name: 'New One' },
      { email: 'KEEP@example.com', city: 'New', password: 'a replaced passphrase' },
    ];
    for (const query of ['', '?on_conflict=error']) {
      const rejected = await upload(admin.token, ndjsonType, toNdjson(rows), query);
      const problem = expectProblem(rejected, 400, 'VALIDATION_ERROR');
      expect(problem.errors?.map((e) => [e.row, e.path])).toEqual([[2, 'email']]);
      expect(await liveCount(admin.token), 'nothing created').toBe(countBefore);
      expect(await storedRow(h, keep.user.id)).toEqual(keepBefore);
    }

    const skipped = await upload(admin.token, ndjsonType, toNdjson(rows), '?on_conflict=skip');
    expect(skipped.status, skipped.text).toBe(200);
    expect(skipped.json).toEqual({ created: 1, updated: 0, skipped: 1, dry_run: false, errors: [] });
    expect(await storedRow(h, keep.user.id)).toEqual(keepBefore);
    expect(await liveCount(admin.token)).toBe(countBefore + 1);

    const updated = await upload(admin.token, ndjsonType, toNdjson([...rows, { email: 'new2@example.com', password: 'second new passphrase' }]), '?on_conflict=update');
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json).toEqual({ created: 1, updated: 2, skipped: 0, dry_run: false, errors: [] });
    const keepAfter = await h.request<User>('GET', `/api/users/${keep.user.id}`, { token: admin.token });
    expect(keepAfter.json).toMatchObject({ city: 'New', name: 'Keep', email: 'keep@example.com' });
    expectProblem(await login(h, 'keep@example.com', keep.password), 401, 'INVALID_CREDENTIALS');
    expect((await login(h, 'keep@example.com', 'a replaced passphrase')).status).toBe(200);
    // The import's password change revoked the user's old tokens.
    expectProblem(await h.request('GET', '/api/users/me', { token: keep.token }), 401, 'UNAUTHENTICATED');
    const log = await h.request<{ items: Activity[] }>('GET', `/api/users/${keep.user.id}/activity`, { token: admin.token });
    const entry = log.json.items.find((a) => a.action === 'imported');
    expect(entry?.changes).toMatchObject({ city: { old: 'Old', new: 'New' } });
    for (const name of secretNames) expect(log.text).not.toContain(name);

    // A soft-deleted user's email stays reserved, whatever on_conflict says.
    for (const mode of ['error', 'skip', 'update']) {
      const res = await upload(admin.token, ndjsonType, toNdjson([{ email: 'Gone@Example.com', password: 'revived passphrase' }]), `?on_conflict=${mode}`);
      if (mode === 'skip') expect(res.json).toMatchObject({ created: 0, skipped: 1 });
      else expect(expectProblem(res, 400, 'VALIDATION_ERROR').errors?.map((e) => [e.row, e.path])).toEqual([[1, 'email']]);
    }
    expect((await storedRow(h, gone.user.id))?.deleted_at).not.toBeNull();
  });

  it('POST /users/import?dry_run=true: the same answer and the same errors as a real run, and nothing written', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const existing = await seedAs(h, 'customer', { city: 'Same' });
    const countBefore = await liveCount(admin.token);
    const activityBefore = (await h.request<{ items: Activity[] }>('GET', `/api/users/${existing.user.id}/activity`, { token: admin.token })).json.items;
    const good = toNdjson([
      { email: 'dry1@example.com', password: 'dry run passphrase' },
      { email: existing.user.email, city: 'Changed' },
    ]);
    const dry = await upload(admin.token, ndjsonType, good, '?dry_run=true&on_conflict=update');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json).toEqual({ created: 1, updated: 1, skipped: 0, dry_run: true, errors: [] });
    expect(await liveCount(admin.token)).toBe(countBefore);
    expect((await storedRow(h, existing.user.id))?.city).toBe('Same');
    expect((await h.request<{ items: Activity[] }>('GET', `/api/users/${existing.user.id}/activity`, { token: admin.token })).json.items).toEqual(activityBefore);

    const bad = toCsv(['email', 'password'], [['ok@example.com', 'dry run passphrase'], ['broken', 'dry run passphrase']]);
    const dryBad = await upload(admin.token, csvType, bad, '?dry_run=true');
    const realBad = await upload(admin.token, csvType, bad);
    expect(expectProblem(dryBad, 400, 'VALIDATION_ERROR').errors).toEqual(expectProblem(realBad, 400, 'VALIDATION_ERROR').errors);
    expect(await liveCount(admin.token)).toBe(countBefore);

    const real = await upload(admin.token, ndjsonType, good, '?on_conflict=update');
    expect(real.json).toEqual({ ...dry.json, dry_run: false });
    expect(await liveCount(admin.token)).toBe(countBefore + 1);
  });

  it('POST /users/import: every bad row is reported with row, path and message, and nothing is imported', async () => {
    await start();
    const admin = await seedAs(h, 'admin');
    const taken = await seedAs(h, 'customer', { username: 'taken_name' });
    const countBefore = await liveCount(admin.token);
    const hash = await bcrypt.hash('a legacy passphrase', 10);
    const ndjson = toNdjson([
      { email: 'good1@example.com', password: 'good import passphrase' }, // 1
      { email: 'not-an-email', password: 'good import passphrase' }, // 2
      { email: 'weak@example.com', password: 'short' }, // 3
      { email: 'badhash@example.com', password_hash: '$2b$10$tooShort' }, // 4
      { email: 'GOOD1@example.com', password: 'good import passphrase' }, // 5: same email as row 1
      { email: 'good2@example.com', password: 'good import passphrase' }, // 6
      { email: 'both@example.com', password: 'good import passphrase', password_hash: hash }, // 7
      { email: 'nopassword@example.com', name: 'No Password' }, // 8
      { email: 'lead@example.com', password: 'good import passphrase', lead_status: 'hot' }, // 9
      { email: 'extra@example.com', password: 'good import passphrase', favourite_colour: 'red' }, // 10
      { email: 'md5@example.com', password_hash: '5f4dcc3b5aa765d61d8327deb882cf99' }, // 11
      { email: 'long@example.com', password: 'é'.repeat(40) }, // 12: 80 bytes
      { email: 'user@example.com', password: 'good import passphrase', username: 'TAKEN_NAME' }, // 13
    ]);
    const res = await upload(admin.token, ndjsonType, ndjson);
    const problem = expectProblem(res, 400, 'VALIDATION_ERROR');
    const errors = problem.errors ?? [];
    for (const e of errors) {
      expect(e.row, JSON.stringify(e)).toBeTypeOf('number');
      expect(typeof e.path).toBe('string');
      expect(e.message, JSON.stringify(e)).toMatch(/\w/);
      expect(typeof e.code).toBe('string');
    }
    const rowsWithErrors = [...new Set(errors.map((e) => e.row))].sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(rowsWithErrors).toEqual([2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13]);
    const at = (row: number) => errors.filter((e) => e.row === row).map((e) => e.path);
    expect(at(2)).toContain('email');
    expect(at(3)).toContain('password');
    expect(at(4)).toContain('password_hash');
    expect(at(5)).toContain('email');
    expect(at(8)).toContain('password');
    expect(at(9)).toContain('lead_status');
    expect(at(11)).toContain('password_hash');
    expect(at(12)).toContain('password');
    expect(at(13)).toContain('username');
    expect(res.text).not.toContain(hash);
    expect(await liveCount(admin.token), 'all or nothing').toBe(countBefore);
    expect(await h.repository.findByEmail('good1@example.com', { includeDeleted: true })).toBeUndefined();
    expect(taken.user.username).toBe('taken_name');

    // CSV: rows are counted from the first data row; a malformed line is reported with its row.
    const csv = toCsv(['email', 'password', 'status'], [['c1@example.com', 'good import passphrase', 'active'], ['c2@example.com', 'good import passphrase', 'asleep'], ['c3-at-example.com', 'good import passphrase', '']]);
    const csvErrors = expectProblem(await upload(admin.token, csvType, csv), 400, 'VALIDATION_ERROR').errors ?? [];
    expect(csvErrors.map((e) => [e.row, e.path])).toEqual([
      [2, 'status'],
      [3, 'email'],
    ]);
    const ragged = 'email,password\r\nr1@example.com,good import passphrase\r\nr2@example.com,good import passphrase,extra\r\n';
    const raggedErrors = expectProblem(await upload(admin.token, csvType, ragged), 400, 'VALIDATION_ERROR').errors ?? [];
    expect(raggedErrors.map((e) => e.row)).toEqual([2]);
    const notJson = `${JSON.stringify({ email: 'j1@example.com', password: 'good import passphrase' })}\n{"email": "j2@example.com",\n`;
    const jsonErrors = expectProblem(await upload(admin.token, ndjsonType, notJson), 400, 'VALIDATION_ERROR').errors ?? [];
    expect(jsonErrors.map((e) => e.row)).toEqual([2]);
    expect(await liveCount(admin.token)).toBe(countBefore);
  });

  it('POST /users/import: size and row caps → 413 PAYLOAD_TOO_LARGE (declared or streamed), nothing imported; at the cap it passes', async () => {
    await start({ importLimits: { maxBytes: 4096, maxRows: 3 } });
    const admin = await seedAs(h, 'admin');
    const countBefore = await liveCount(admin.token);
    const row = (i: number) => ({ email: `cap${i}@example.com`, password: 'capped import passphrase' });

    expectProblem(await upload(admin.token, ndjsonType, toNdjson([row(1), row(2), row(3), row(4)])), 413, 'PAYLOAD_TOO_LARGE');
    expectProblem(await upload(admin.token, ndjsonType, toNdjson([row(1), row(2), row(3), row(4)]), '?dry_run=true'), 413, 'PAYLOAD_TOO_LARGE');
    const csvRows = toCsv(['email', 'password'], [1, 2, 3, 4].map((i) => [row(i).email, row(i).password]));
    expectProblem(await upload(admin.token, csvType, csvRows), 413, 'PAYLOAD_TOO_LARGE');
    const big = toNdjson([{ ...row(9), notes: 'n'.repeat(5000) }]);
    expectProblem(await upload(admin.token, ndjsonType, big), 413, 'PAYLOAD_TOO_LARGE');
    expectProblem(await sendChunked(h.baseUrl, 'POST', '/api/users/import', big, { contentType: ndjsonType, token: admin.token }), 413, 'PAYLOAD_TOO_LARGE');
    expect(await liveCount(admin.token)).toBe(countBefore);

    const atCap = await sendChunked(h.baseUrl, 'POST', '/api/users/import', toNdjson([row(1), row(2), row(3)]), { contentType: ndjsonType, token: admin.token, chunkSize: 40 });
    expect(atCap.status, atCap.text).toBe(200);
    expect(atCap.json).toMatchObject({ created: 3 });
    expect(await liveCount(admin.token)).toBe(countBefore + 3);
  });

  it('an NDJSON export re-imports as is (super admin, on_conflict=update): the export-only columns are ignored, nothing changes', async () => {
    await start();
    const root = await seedAs(h, 'super');
    await seedAs(h, 'customer', { name: 'Round Trip', lead_status: 'lead', city: 'Faro', additional_websites: ['https://rt.example'] });
    await h.request('POST', '/api/auth/register', { body: { email: 'rt-pending@example.com', password: 'a sturdy passphrase' } });
    const exported = await h.request('GET', '/api/users/export?format=ndjson&user_type=customer', { token: root.token });
    expect(exported.status).toBe(200);
    const before = await listAll(root.token, 'user_type=customer');
    const res = await upload(root.token, ndjsonType, exported.text, '?on_conflict=update');
    expect(res.status, res.text.slice(0, 400)).toBe(200);
    expect(res.json).toMatchObject({ created: 0, skipped: 0, updated: before.length });
    const strip = (users: User[]) => users.map(({ updated_at: _u, version: _v, ...rest }) => rest);
    expect(strip(await listAll(root.token, 'user_type=customer'))).toEqual(strip(before));
  });

  it('POST /users/import: media types, query, and who may import what', async () => {
    await start();
    const root = await seedAs(h, 'super');
    const admin = await seedAs(h, 'admin');
    const otherAdmin = await seedAs(h, 'admin', { email: 'other-admin@example.com', city: 'Admin Town' });
    const customer = await seedAs(h, 'customer');
    const countBefore = await liveCount(admin.token);
    const body = toNdjson([{ email: 'who@example.com', password: 'an import passphrase' }]);

    for (const type of ['text/plain', 'application/json', 'multipart/form-data; boundary=x']) {
      expectProblem(await upload(admin.token, type, body), 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expectProblem(await h.request('POST', '/api/users/import', { token: admin.token, rawBody: body }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    for (const [query, path] of [['?mode=fast', ''], ['?on_conflict=replace', 'on_conflict'], ['?dry_run=yes', 'dry_run']] as const) {
      const problem = expectProblem(await upload(admin.token, ndjsonType, body, query), 400, 'VALIDATION_ERROR');
      expect(problem.errors?.map((e) => e.path), query).toContain(path);
    }
    expectProblem(await upload(customer.token, ndjsonType, body), 403, 'FORBIDDEN');
    expectProblem(await upload(customer.token, csvType, toCsv(['email', 'password'], [['who@example.com', 'an import passphrase']])), 403, 'FORBIDDEN');
    expectProblem(await upload('', ndjsonType, body), 401, 'UNAUTHENTICATED');
    expect(await liveCount(admin.token)).toBe(countBefore);

    // An admin imports customers only, and may not update another admin.
    const promote = toNdjson([{ email: 'boss@example.com', password: 'an import passphrase', user_type: 'admin', is_super_admin: true }]);
    const denied = expectProblem(await upload(admin.token, ndjsonType, promote), 400, 'VALIDATION_ERROR');
    expect(denied.errors?.map((e) => [e.row, e.path]).sort()).toEqual([
      [1, 'is_super_admin'],
      [1, 'user_type'],
    ]);
    const touchAdmin = expectProblem(await upload(admin.token, ndjsonType, toNdjson([{ email: 'other-admin@example.com', city: 'Hijacked' }]), '?on_conflict=update'), 400, 'VALIDATION_ERROR');
    expect(touchAdmin.errors?.map((e) => e.row)).toEqual([1]);
    expect((await storedRow(h, otherAdmin.user.id))?.city).toBe('Admin Town');
    const resetAdmin = expectProblem(await upload(admin.token, ndjsonType, toNdjson([{ email: 'other-admin@example.com', password: 'taken over passphrase' }]), '?on_conflict=update'), 400, 'VALIDATION_ERROR');
    expect(resetAdmin.errors?.map((e) => e.row)).toEqual([1]);
    expect(await liveCount(admin.token)).toBe(countBefore);

    // A super admin imports admins and super admins.
    const ok = await upload(root.token, ndjsonType, toNdjson([{ email: 'boss@example.com', password: 'an import passphrase', user_type: 'admin', is_super_admin: true }, { email: 'staff@example.com', password: 'an import passphrase', user_type: 'admin' }]));
    expect(ok.status, ok.text).toBe(200);
    const imported = await listAll(root.token, 'user_type=admin&sort=email');
    expect(imported.find((u) => u.email === 'boss@example.com')).toMatchObject({ is_super_admin: true, lead_status: null });
    expect(imported.find((u) => u.email === 'staff@example.com')).toMatchObject({ is_super_admin: false });
  });
});
