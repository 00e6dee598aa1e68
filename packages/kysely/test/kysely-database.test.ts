/**
 * What the conformance suite cannot see: driver type normalisation, database-enforced rules
 * against direct SQL, error mapping without leaked values, exact keyset cursors, availability.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserkitError, listUsersQuerySchema, type NewUserRecord } from '@userkit/core';
import { encodeCursor } from '@userkit/core/server';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase, KyselyUserRepository, mapDatabaseError } from '../src/index';
import { databaseTargets } from '@userkit/kysely/testing';

const hash = '$2b$12$secretsecretsecretsecretsecretsecretsecretsecretsecre';
let seq = 0;
const newUser = (overrides: Partial<NewUserRecord> = {}): NewUserRecord => ({
  email: `person${++seq}@example.com`,
  password_hash: hash,
  user_type: 'customer',
  status: 'active',
  ...overrides,
});

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

for (const target of databaseTargets()) {
  describe(`KyselyUserRepository on ${target.name}`, () => {
    it('returns numbers for ids, counts and credits, Dates for timestamps, arrays for additional_websites', async () => {
      const { db, repository } = await target.open();
      const user = await repository.insert(newUser({ last_login: new Date('2026-01-02T03:04:05.006Z') }));
      await repository.addCredits(user.id, 5, new Date());
      const found = await repository.findById(user.id);
      expect(found).toMatchObject({ id: expect.any(Number), credits: 5, version: 2, additional_websites: [] });
      expect(found?.created_at).toBeInstanceOf(Date);
      expect(found?.last_login).toEqual(new Date('2026-01-02T03:04:05.006Z'));

      const activity = await repository.appendActivity({ user_id: user.id, actor_id: null, action: 'x', changes: { n: 1 }, created_at: new Date() });
      const ledger = await repository.insertCreditTransaction({
        user_id: user.id, actor_id: null, amount: 5, balance_after: 5, reason: 'gift', idempotency_key: null, created_at: new Date(),
      });
      expect([typeof activity.id, typeof ledger.id]).toEqual(['number', 'number']);
      expect(activity.created_at).toBeInstanceOf(Date);

      const counts = await repository.countUsers(new Date(0));
      expect(counts).toMatchObject({ total: 1, credits: 5 });
      const { n } = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(n).toBe(1);
    });

    it('the hot reads (rows as JSON) give the same records as the column reads, whatever the session time zone', async () => {
      const { db } = await target.open();
      await db.connection().execute(async (conn) => {
        // One connection, so the time zone below is the one every read here runs under.
        const repository = new KyselyUserRepository(conn);
        const user = await repository.insert(
          newUser({ name: 'Zoë "quoted" \\ back\nslash \u{1F600}', additional_websites: ['https://a.example/?q="x"', 'https://b.example'], last_login: new Date('1999-12-31T23:59:59.999Z') }),
        );
        // Microseconds (both paths truncate them), an instant before 1970, a zone of +05:45.
        await sql`update users set verification_expires = '2026-03-04 05:06:07.123956+05:30', reset_expires = '1969-07-20 20:17:40.5+00' where id = ${user.id}`.execute(conn);
        await sql`set time zone 'Asia/Kathmandu'`.execute(conn);
        try {
          const columns = await repository.findById(user.id, { includeDeleted: true }); // the column path
          const hot = await repository.findById(user.id);
          expect(hot).toEqual(columns);
          expect(hot?.verification_expires).toEqual(new Date('2026-03-03T23:36:07.123Z'));
          expect(hot?.reset_expires).toEqual(new Date('1969-07-20T20:17:40.500Z'));
          expect(await repository.findByIds([user.id])).toEqual([columns]);
          expect((await repository.findActor({ id: user.id, now: new Date() })).actor).toEqual(columns);
          // Local mean time: Kathmandu's offset in 1850 has seconds (+05:41:16), which Date does not
          // parse; so does a BC year. Both still come back as the instant stored.
          await sql`update users set verification_expires = '1850-01-02 03:04:05+00', reset_expires = '0099-01-02 03:04:05+00 BC' where id = ${user.id}`.execute(conn);
          const old = await repository.findById(user.id);
          expect(old?.verification_expires).toEqual(new Date('1850-01-02T03:04:05Z'));
          expect(old?.reset_expires?.getTime()).toBe(Date.UTC(-98, 0, 2, 3, 4, 5));
        } finally {
          await sql`reset time zone`.execute(conn);
        }
      });
    });

    it('enforces credits >= 0 in the database, also against direct SQL', async () => {
      const { db, repository } = await target.open();
      const user = await repository.insert(newUser());
      const direct = await errorOf(db.updateTable('users').set({ credits: -1 }).where('id', '=', user.id).execute());
      expect(direct).toMatchObject({ code: '23514', constraint: 'users_credits_nonnegative' });
      expect(mapDatabaseError(direct)).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
      const ledger = repository.insertCreditTransaction({
        user_id: user.id, actor_id: null, amount: -1, balance_after: -1, reason: 'x', idempotency_key: null, created_at: new Date(),
      });
      expect(await errorOf(ledger)).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
    });

    it('maps other rule violations to INTERNAL_ERROR without SQL or row values', async () => {
      const { repository } = await target.open();
      const user = await repository.insert(newUser());
      const error = await errorOf(repository.update(user.id, { is_super_admin: true }));
      expect(error).toMatchObject({ code: 'INTERNAL_ERROR', detail: 'The database rejected the operation' });
      const cause = isUserkitError(error) && error.cause instanceof Error ? error.cause.message : '';
      expect(cause).toBe('database error 23514 on users_super_admin_is_admin');
      for (const text of [String(error), cause, JSON.stringify(error)]) {
        expect(text).not.toContain(hash);
        expect(text).not.toContain(user.email);
        expect(text.toLowerCase()).not.toContain('update');
      }
      expect((await repository.findById(user.id))?.is_super_admin).toBe(false);
    });

    it('rolls back a transaction whose statement fails and rethrows the mapped error', async () => {
      const { repository } = await target.open();
      await repository.insert(newUser({ email: 'taken@example.com' }));
      const error = await errorOf(
        repository.transaction(async (tx) => {
          await tx.insert(newUser({ email: 'first@example.com' }));
          await tx.insert(newUser({ email: 'TAKEN@example.com' }));
        }),
      );
      expect(error).toMatchObject({ code: 'EMAIL_TAKEN' });
      expect(await repository.findByEmail('first@example.com')).toBeUndefined();
    });

    it('searches literally: %, _ and \\ are no wildcards', async () => {
      const { repository } = await target.open();
      await repository.insert(newUser({ name: 'back\\slash' }));
      await repository.insert(newUser({ name: 'backslash' }));
      await repository.insert(newUser({ name: '100% sure' }));
      const names = async (q: string) => (await repository.list(listUsersQuerySchema.parse({ q, sort: 'name' }))).items.map((u) => u.name);
      expect(await names('\\')).toEqual(['back\\slash']);
      expect(await names('k\\s')).toEqual(['back\\slash']);
      expect(await names('0% s')).toEqual(['100% sure']);
      expect(await names('BACK')).toEqual(['back\\slash', 'backslash']);
    });

    it('pages exactly through timestamps that differ only in microseconds', async () => {
      const { db, repository } = await target.open();
      const ids: number[] = [];
      for (let i = 1; i <= 3; i++) {
        const user = await repository.insert(newUser());
        await sql`UPDATE users SET created_at = ${`2026-01-01T00:00:00.00000${i}Z`}::timestamptz WHERE id = ${user.id}`.execute(db);
        ids.push(user.id);
      }
      for (const sort of ['created_at', '-created_at'] as const) {
        const seen: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await repository.list(listUsersQuerySchema.parse({ sort, limit: 1, ...(cursor ? { cursor } : {}) }));
          seen.push(...page.items.map((u) => u.id));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(sort === 'created_at' ? ids : [...ids].reverse());
      }
    });

    it('scans every matching user in batches', async () => {
      const { repository } = await target.open();
      for (let i = 0; i < 5; i++) await repository.insert(newUser({ user_type: i % 2 ? 'admin' : 'customer' }));
      const batches: number[][] = [];
      for await (const batch of repository.scanUsers({ sort: 'email', user_type: 'customer' }, 2)) batches.push(batch.map((u) => u.id));
      expect(batches.map((b) => b.length)).toEqual([2, 1]);
    });

    it('imports in batches: insertMany, findByEmails, findByUsernames, appendActivities', async () => {
      const { repository } = await target.open();
      const users = Array.from({ length: 1001 }, (_, i) => newUser({ email: `Import${i}@Example.com`, username: i === 7 ? 'Seven' : null }));
      const inserted = await repository.insertMany(users);
      expect(inserted.map((u) => u.email)).toEqual(users.map((u) => u.email.toLowerCase()));
      await repository.update(inserted[1]?.id ?? 0, { deleted_at: new Date() });

      const found = await repository.findByEmails([' IMPORT1@example.com', 'import2@example.com', 'nobody@example.com']);
      expect(found.map((u) => u.email)).toEqual(['import1@example.com', 'import2@example.com']);
      expect((await repository.findByUsernames(['sEVEN', 'eight'])).map((u) => u.username)).toEqual(['Seven']);
      expect(await repository.findByEmails([])).toEqual([]);

      const clash = [newUser({ email: 'fresh@example.com' }), newUser({ email: 'IMPORT3@example.com' })];
      expect(await errorOf(repository.insertMany(clash))).toMatchObject({ code: 'EMAIL_TAKEN' });
      expect(await repository.findByEmail('fresh@example.com')).toBeUndefined();

      const user = inserted[0]?.id ?? 0;
      await repository.appendActivities(['a', 'b', 'c'].map((action) => ({ user_id: user, actor_id: null, action, changes: { action }, created_at: new Date() })));
      expect((await repository.listActivity(user, { limit: 10 })).items.map((a) => a.changes)).toEqual([{ action: 'c' }, { action: 'b' }, { action: 'a' }]);
    });

    it('rejects forged cursor values', async () => {
      const { repository } = await target.open();
      const list = (sort: 'credits' | 'created_at', cursor: string) => errorOf(repository.list(listUsersQuerySchema.parse({ sort, cursor })));
      expect(await list('credits', encodeCursor('credits', 'abc', 1))).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(await list('created_at', encodeCursor('created_at', '2026-13-45T00:00:00.000000Z', 1))).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(await list('created_at', encodeCursor('created_at', 5, 1))).toMatchObject({ code: 'VALIDATION_ERROR' });
    });

    it.runIf(target.name === 'postgres')('runs the per-request lookups, and only those, as named prepared statements', async () => {
      const { db, repository } = await target.open();
      const user = await repository.insert(newUser());
      // Sequential calls reuse the pool's most recently released client: the one asked below.
      expect((await repository.findById(user.id))?.id).toBe(user.id);
      expect((await repository.findByIds([user.id])).map((u) => u.id)).toEqual([user.id]);
      expect((await repository.findByEmail(user.email))?.id).toBe(user.id);
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(db);
      expect(rows.map((r) => r.name).sort()).toEqual(['userkit_hot_1', 'userkit_hot_2']);
      // Each row one JSON value of the columns (hot-queries.ts).
      for (const { statement } of rows) expect(statement).toMatch(/^select to_json\(u\) as "u" from \(select .* from "users" where ("id" = \$1|id = any\(cast\(\$1 as int\[\]\)\))\) as "u"$/);
    });

    it('reports SERVICE_UNAVAILABLE once the database is closed', async () => {
      const database = await target.openEmpty();
      await database.close();
      expect(await errorOf(database.repository.ping())).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    });
  });
}

describe('createDatabase', () => {
  it('reports SERVICE_UNAVAILABLE, without SQL, when PostgreSQL is unreachable', async () => {
    const database = await createDatabase({ url: 'postgres://userkit@127.0.0.1:1/nowhere', pool: { connectionTimeoutMillis: 2000 } });
    try {
      const error = await errorOf(database.repository.findByEmail('someone@example.com'));
      expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, detail: 'The database is unreachable' });
      expect(JSON.stringify(error)).not.toContain('someone@example.com');
      expect(await errorOf(database.repository.ping())).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(await errorOf(database.checkMigrations())).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      // The pool's counts, for metrics: nothing open, nothing waiting after the failures.
      expect(database.poolStats?.()).toEqual({ total: 0, idle: 0, waiting: 0 });
    } finally {
      await database.close();
    }
  });

  it('keeps a PGlite data directory across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'userkit-pglite-'));
    try {
      const first = await createDatabase({ pglite: { dataDir } });
      expect(first.kind).toBe('pglite');
      expect(first.poolStats).toBeUndefined(); // PGlite has no pool
      await first.migrate();
      await first.repository.insert(newUser({ email: 'kept@example.com' }));
      await first.close();

      const second = await createDatabase({ pglite: { dataDir } });
      try {
        await expect(second.checkMigrations()).resolves.toBeUndefined();
        expect((await second.repository.findByEmail('kept@example.com'))?.email).toBe('kept@example.com');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
