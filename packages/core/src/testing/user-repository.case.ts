/**
 * The repository conformance suite: every {@link UserRepository} runs these identical cases
 * (in-memory in core, PGlite and PostgreSQL in @userkit/kysely), through `@userkit/core/testing`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRepository } from '../server';
import type { ListUsersQueryInput } from '../index';
import { base, codeOf, newUser, query, type RepositoryHarness } from './repository-case-support';
import { describeLedgerCases } from './user-repository-ledger.case';

/** Registers the suite for one implementation. `open` gives a fresh, empty, migrated store. */
export function describeUserRepository(name: string, open: () => Promise<RepositoryHarness>): void {
  describe(`UserRepository conformance: ${name}`, () => {
    let harness: RepositoryHarness;
    let repo: UserRepository;

    beforeEach(async () => {
      harness = await open();
      repo = harness.repository;
    });
    afterEach(async () => {
      await harness.close();
    });

    describe('insert and find', () => {
      it('assigns an id, version 1, zero credits, and normalises the email', async () => {
        const user = await repo.insert(newUser({ email: '  Ada@Example.COM ', name: 'Ada', additional_websites: ['https://a.example'] }));
        expect(user.id).toBeTypeOf('number');
        expect(user).toMatchObject({ email: 'ada@example.com', version: 1, token_version: 0, credits: 0, verification_attempts: 0, deleted_at: null });
        expect(user.created_at).toBeInstanceOf(Date);
        expect(user.additional_websites).toEqual(['https://a.example']);
        const again = await repo.findById(user.id);
        expect(again).toEqual(user);
      });

      it('defaults optional columns', async () => {
        const user = await repo.insert(newUser());
        expect(user).toMatchObject({
          name: null,
          username: null,
          additional_websites: [],
          lead_status: null,
          is_super_admin: false,
          email_verified: false,
          last_login: null,
          verification_code: null,
          verification_expires: null,
        });
      });

      it('finds by email in any letter case and returns undefined for unknown ones', async () => {
        const user = await repo.insert(newUser({ email: 'grace@example.com' }));
        expect((await repo.findByEmail('GRACE@example.com'))?.id).toBe(user.id);
        expect(await repo.findByEmail('nobody@example.com')).toBeUndefined();
        expect(await repo.findById(999_999)).toBeUndefined();
      });

      it('finds live users by many ids in one call, skipping unknown and soft-deleted ones', async () => {
        const a = await repo.insert(newUser({ email: 'ids-a@example.com' }));
        const b = await repo.insert(newUser({ email: 'ids-b@example.com' }));
        const gone = await repo.insert(newUser({ email: 'ids-gone@example.com' }));
        await repo.update(gone.id, { deleted_at: new Date() });
        const found = await repo.findByIds([b.id, 999_999, a.id, gone.id, a.id]);
        expect(found.map((u) => u.email).sort()).toEqual(['ids-a@example.com', 'ids-b@example.com']);
        expect(found.find((u) => u.id === a.id)).toEqual(await repo.findById(a.id));
        expect(await repo.findByIds([])).toEqual([]);
      });

      it('round-trips timestamps to the millisecond', async () => {
        const at = new Date('2026-03-04T05:06:07.089Z');
        const user = await repo.insert(newUser({ created_at: at, verification_expires: at }));
        const found = await repo.findById(user.id);
        expect(found?.created_at.toISOString()).toBe(at.toISOString());
        expect(found?.verification_expires?.toISOString()).toBe(at.toISOString());
      });
    });

    describe('uniqueness', () => {
      it('rejects an email taken in another letter case', async () => {
        await repo.insert(newUser({ email: 'taken@example.com' }));
        expect(await codeOf(repo.insert(newUser({ email: 'TAKEN@example.com' })))).toBe('EMAIL_TAKEN');
      });

      it('rejects a username taken in another letter case, but allows many without one', async () => {
        await repo.insert(newUser({ username: 'Ada_L' }));
        expect(await codeOf(repo.insert(newUser({ username: 'ada_l' })))).toBe('USERNAME_TAKEN');
        await repo.insert(newUser({ username: null }));
        await repo.insert(newUser({ username: null }));
      });

      it('rejects an update to a taken email and leaves the row as it was', async () => {
        await repo.insert(newUser({ email: 'one@example.com' }));
        const two = await repo.insert(newUser({ email: 'two@example.com' }));
        expect(await codeOf(repo.update(two.id, { email: 'ONE@example.com' }))).toBe('EMAIL_TAKEN');
        expect((await repo.findById(two.id))?.email).toBe('two@example.com');
      });

      it('keeps the email of a soft-deleted user reserved', async () => {
        const user = await repo.insert(newUser({ email: 'gone@example.com' }));
        await repo.update(user.id, { deleted_at: new Date() });
        expect(await codeOf(repo.insert(newUser({ email: 'gone@example.com' })))).toBe('EMAIL_TAKEN');
      });

      it('gives exactly one success to 12 parallel creates of one email in different letter cases', async () => {
        const variants = Array.from({ length: 12 }, (_, i) =>
          [...'race@example.com'].map((c, j) => ((i >> j % 4) & 1 ? c.toUpperCase() : c)).join(''),
        );
        const codes = await Promise.all(variants.map((email) => codeOf(repo.insert(newUser({ email })))));
        expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
        expect(codes.filter((c) => c === 'EMAIL_TAKEN')).toHaveLength(11);
        expect((await repo.list(query({ q: 'race@' }))).total).toBe(1);
      });
    });

    describe('update', () => {
      it('applies a patch and bumps the version', async () => {
        const user = await repo.insert(newUser());
        const updated = await repo.update(user.id, { name: 'New Name', additional_websites: ['https://x.example'] });
        expect(updated).toMatchObject({ name: 'New Name', version: 2, additional_websites: ['https://x.example'] });
        expect((await repo.findById(user.id))?.version).toBe(2);
      });

      it('honours expectedVersion', async () => {
        const user = await repo.insert(newUser());
        expect(await repo.update(user.id, { name: 'x' }, { expectedVersion: 5 })).toBeUndefined();
        expect((await repo.findById(user.id))?.name).toBeNull();
        expect(await repo.update(user.id, { name: 'y' }, { expectedVersion: 1 })).toMatchObject({ name: 'y', version: 2 });
      });

      it('writes its activity entry with the update, and none when nothing was updated', async () => {
        const user = await repo.insert(newUser());
        const at = new Date('2026-01-02T03:04:05.678Z');
        const activity = { actor_id: null, action: 'updated', changes: { name: { old: null, new: 'Ada' } }, created_at: at };
        expect(await repo.update(user.id, { name: 'Ada' }, { expectedVersion: 1, activity })).toMatchObject({ name: 'Ada', version: 2 });
        expect(await repo.update(user.id, { name: 'Stale' }, { expectedVersion: 1, activity: { ...activity, action: 'stale' } })).toBeUndefined();
        const log = await repo.listActivity(user.id, { limit: 10 });
        expect(log.items.map(({ action, actor_id, changes, created_at }) => ({ action, actor_id, changes, created_at }))).toEqual([activity]);
      });

      it('writes no activity entry when the update breaks a rule', async () => {
        const taken = await repo.insert(newUser({ email: 'taken@example.com' }));
        const user = await repo.insert(newUser());
        const activity = { actor_id: taken.id, action: 'updated', changes: null, created_at: new Date() };
        await expect(repo.update(user.id, { email: 'TAKEN@example.com' }, { activity })).rejects.toMatchObject({ code: 'EMAIL_TAKEN' });
        expect((await repo.listActivity(user.id, { limit: 10 })).items).toEqual([]);
        expect((await repo.findById(user.id))?.version).toBe(1);
      });

      it('returns undefined for missing and deleted users', async () => {
        expect(await repo.update(424_242, { name: 'x' })).toBeUndefined();
        const user = await repo.insert(newUser());
        await repo.update(user.id, { deleted_at: new Date() });
        expect(await repo.update(user.id, { name: 'x' })).toBeUndefined();
        expect(await repo.findById(user.id)).toBeUndefined();
        expect((await repo.findById(user.id, { includeDeleted: true }))?.deleted_at).toBeInstanceOf(Date);
      });
    });

    describe('transactions', () => {
      it('commits everything done inside', async () => {
        const id = await repo.transaction(async (tx) => {
          const user = await tx.insert(newUser());
          await tx.update(user.id, { name: 'inside' });
          await tx.appendActivity({ user_id: user.id, actor_id: null, action: 'created', changes: { a: 1 }, created_at: new Date() });
          return user.id;
        });
        expect((await repo.findById(id))?.name).toBe('inside');
      });

      it('rolls back everything when the function throws, and rethrows', async () => {
        const email = 'rollback@example.com';
        await expect(
          repo.transaction(async (tx) => {
            await tx.insert(newUser({ email }));
            await tx.transaction(async (nested) => nested.insert(newUser({ email: 'nested@example.com' })));
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await repo.findByEmail(email)).toBeUndefined();
        expect(await repo.findByEmail('nested@example.com')).toBeUndefined();
      });

      it('serialises read-check-write sequences on a locked row', async () => {
        const user = await repo.insert(newUser());
        await Promise.all(
          Array.from({ length: 5 }, () =>
            repo.transaction(async (tx) => {
              const row = await tx.findById(user.id, { lock: true });
              await tx.update(user.id, { verification_attempts: (row?.verification_attempts ?? 0) + 1 });
            }),
          ),
        );
        expect((await repo.findById(user.id))?.verification_attempts).toBe(5);
      });
    });

    describe('super admins', () => {
      it('lists only active, live, super admins', async () => {
        const a = await repo.insert(newUser({ user_type: 'admin', is_super_admin: true }));
        await repo.insert(newUser({ user_type: 'admin', is_super_admin: true, status: 'suspended' }));
        await repo.insert(newUser({ user_type: 'admin' }));
        const d = await repo.insert(newUser({ user_type: 'admin', is_super_admin: true }));
        await repo.update(d.id, { deleted_at: new Date() });
        expect(await repo.transaction((tx) => tx.activeSuperAdminIds({ lock: true }))).toEqual([a.id]);
      });
    });

    describe('list', () => {
      it('filters, searches case-insensitively and counts', async () => {
        await repo.insert(newUser({ email: 'alpha@shop.example', name: 'Alpha Shop', lead_status: 'lead' }));
        await repo.insert(newUser({ email: 'beta@example.com', business_site: 'https://BETA-store.example', lead_status: 'qualified' }));
        await repo.insert(newUser({ email: 'gamma@example.com', phone: '+1 555 0100', user_type: 'admin', status: 'pending' }));
        await repo.insert(newUser({ email: 'delta@example.com', username: 'DeltaForce', email_verified: true }));
        const deleted = await repo.insert(newUser({ email: 'shop-deleted@example.com' }));
        await repo.update(deleted.id, { deleted_at: new Date() });

        const emails = async (input: ListUsersQueryInput) => (await repo.list(query({ ...input, sort: 'email' }))).items.map((u) => u.email);
        expect(await emails({ q: 'SHOP' })).toEqual(['alpha@shop.example']);
        expect(await emails({ q: 'beta-STORE' })).toEqual(['beta@example.com']);
        expect(await emails({ q: '555 01' })).toEqual(['gamma@example.com']);
        expect(await emails({ q: 'deltaf' })).toEqual(['delta@example.com']);
        expect(await emails({ q: '%' })).toEqual([]);
        expect(await emails({ q: '_' })).toEqual([]);
        expect(await emails({ user_type: 'admin' })).toEqual(['gamma@example.com']);
        expect(await emails({ status: 'pending' })).toEqual(['gamma@example.com']);
        expect(await emails({ lead_status: 'qualified' })).toEqual(['beta@example.com']);
        expect(await emails({ email_verified: 'true' })).toEqual(['delta@example.com']);
        const all = await repo.list(query({ limit: 2 }));
        expect(all.total).toBe(4);
        expect(all.items).toHaveLength(2);
      });

      it('never matches a search across two fields', async () => {
        await repo.insert(newUser({ email: 'span@example.com', name: 'Ann Lee', username: 'leeroy' }));
        const emails = async (q: string) => (await repo.list(query({ q }))).items.map((u) => u.email);
        expect(await emails('lee')).toEqual(['span@example.com']);
        expect(await emails('example.comann')).toEqual([]);
        expect(await emails('leeleeroy')).toEqual([]);
        expect(await emails('lee leeroy')).toEqual([]);
      });

      it('counts matches up to totalCap and says when more match, on every page and search', async () => {
        for (let i = 0; i < 7; i++) await repo.insert(newUser({ email: `cap${i}@example.com`, name: i < 3 ? 'Rare Name' : 'Common Name', created_at: new Date(base.getTime() + i * 1000) }));
        const capped = await repo.list(query({ limit: 2, sort: 'created_at' }), { totalCap: 5 });
        expect([capped.total, capped.total_capped, capped.items.map((u) => u.email)]).toEqual([5, true, ['cap0@example.com', 'cap1@example.com']]);
        const exact = await repo.list(query({ limit: 2 }), { totalCap: 7 });
        expect([exact.total, exact.total_capped]).toEqual([7, false]);
        expect(await repo.list(query({ limit: 2 }), { totalCap: Infinity })).toMatchObject({ total: 7, total_capped: false });
        // A search with few matches: exact, and its pages hold exactly the matches, in order.
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 5; guard++) {
          const page = await repo.list(query({ q: 'rare', sort: '-created_at', limit: 2, ...(cursor ? { cursor } : {}) }), { totalCap: 5 });
          expect([page.total, page.total_capped]).toEqual([3, false]);
          seen.push(...page.items.map((u) => u.email));
          if (!page.next_cursor) break;
          cursor = page.next_cursor;
        }
        expect(seen).toEqual(['cap2@example.com', 'cap1@example.com', 'cap0@example.com']);
        // A search with more matches than the cap: capped, and its pages still complete.
        const many = await repo.list(query({ q: 'name', sort: 'email', limit: 100 }), { totalCap: 5 });
        expect([many.total, many.total_capped, many.items.length]).toEqual([5, true, 7]);
        const common = await repo.list(query({ q: 'common', sort: 'email', limit: 100 }), { totalCap: 4 });
        expect([common.total, common.total_capped, common.items.map((u) => u.email)]).toEqual([4, false, ['cap3@example.com', 'cap4@example.com', 'cap5@example.com', 'cap6@example.com']]);
      });

      it('filters by creation time: after is inclusive, before exclusive', async () => {
        const a = await repo.insert(newUser({ created_at: new Date('2026-02-01T00:00:00Z') }));
        const b = await repo.insert(newUser({ created_at: new Date('2026-02-02T00:00:00Z') }));
        const ids = async (input: ListUsersQueryInput) => (await repo.list(query({ ...input, sort: 'created_at' }))).items.map((u) => u.id);
        expect(await ids({ created_after: '2026-02-01T00:00:00Z', created_before: '2026-02-03' })).toEqual([a.id, b.id]);
        expect(await ids({ created_after: '2026-02-01T00:00:01Z', created_before: '2026-02-03' })).toEqual([b.id]);
        expect(await ids({ created_after: '2026-01-31', created_before: '2026-02-02T00:00:00Z' })).toEqual([a.id]);
      });

      it.each(['created_at', '-created_at', 'name', '-name', 'email', '-email', 'last_login', '-last_login', 'updated_at', 'credits', '-credits'] as const)(
        'pages through every row exactly once with sort %s',
        async (sort) => {
          const names = ['bob', 'Alice', null, 'carol', 'alice', 'Dave', null, 'eve'];
          for (const [i, name] of names.entries()) {
            await repo.insert(
              newUser({
                name,
                last_login: i % 3 === 0 ? null : new Date(base.getTime() + (i % 2) * 60_000),
                created_at: new Date(base.getTime() + (i % 3) * 1000),
              }),
            );
          }
          const seen: number[] = [];
          let cursor: string | undefined;
          for (let guard = 0; guard < 20; guard++) {
            const page = await repo.list(query({ sort, limit: 3, ...(cursor ? { cursor } : {}) }));
            expect(page.total).toBe(names.length);
            seen.push(...page.items.map((u) => u.id));
            if (!page.next_cursor) break;
            cursor = page.next_cursor;
          }
          expect(seen).toHaveLength(names.length);
          expect(new Set(seen).size).toBe(names.length);
          const full = await repo.list(query({ sort, limit: 100 }));
          expect(full.items.map((u) => u.id)).toEqual(seen);
          expect(full.next_cursor).toBeNull();
          // A search matching every row pages in the same order, within and past the count's cap.
          for (const totalCap of [100, 4]) {
            const searched: number[] = [];
            cursor = undefined;
            for (let guard = 0; guard < 20; guard++) {
              const page = await repo.list(query({ sort, q: '@', limit: 3, ...(cursor ? { cursor } : {}) }), { totalCap });
              expect([page.total, page.total_capped]).toEqual(totalCap === 100 ? [names.length, false] : [4, true]);
              searched.push(...page.items.map((u) => u.id));
              if (!page.next_cursor) break;
              cursor = page.next_cursor;
            }
            expect(searched).toEqual(seen);
          }
        },
      );

      it('orders names case-insensitively with ties broken by id', async () => {
        const b = await repo.insert(newUser({ name: 'b' }));
        const a1 = await repo.insert(newUser({ name: 'A' }));
        const a2 = await repo.insert(newUser({ name: 'a' }));
        const none = await repo.insert(newUser({ name: null }));
        const asc = await repo.list(query({ sort: 'name' }));
        expect(asc.items.map((u) => u.id)).toEqual([none.id, a1.id, a2.id, b.id]);
        const desc = await repo.list(query({ sort: '-name' }));
        expect(desc.items.map((u) => u.id)).toEqual([b.id, a2.id, a1.id, none.id]);
      });

      it('stays complete and duplicate-free when rows are inserted between page reads', async () => {
        for (let i = 0; i < 6; i++) await repo.insert(newUser({ created_at: new Date(base.getTime() + i * 1000) }));
        const first = await repo.list(query({ sort: 'created_at', limit: 3 }));
        await repo.insert(newUser({ created_at: new Date(base.getTime() - 5000) }));
        await repo.insert(newUser({ created_at: new Date(base.getTime() + 99_000) }));
        const second = await repo.list(query({ sort: 'created_at', limit: 10, cursor: first.next_cursor ?? '' }));
        const ids = [...first.items, ...second.items].map((u) => u.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toHaveLength(7);
      });

      it('rejects a cursor from another sort', async () => {
        await repo.insert(newUser());
        await repo.insert(newUser());
        const page = await repo.list(query({ sort: 'email', limit: 1 }));
        expect(await codeOf(repo.list(query({ sort: 'name', cursor: page.next_cursor ?? '' })))).toBe('VALIDATION_ERROR');
        expect(await codeOf(repo.list(query({ cursor: 'not-a-cursor' })))).toBe('VALIDATION_ERROR');
      });
    });


    describeLedgerCases(() => repo);
  });
}
