/**
 * The ledger part of the repository conformance suite: credits, statistics, activity and health,
 * run by `describeUserRepository` against the repository of each test.
 */
import { beforeEach, expect, it, describe } from 'vitest';
import type { UserRepository } from '../server';
import { codeOf, newUser } from './repository-case-support';

/** Registers the credits, statistics, activity and health cases; `current` gives each test's repository. */
export function describeLedgerCases(current: () => UserRepository): void {
  let repo: UserRepository;
  beforeEach(() => {
    repo = current();
  });

    describe('credits', () => {
      it('adds credits atomically, bumps the version, and refuses a negative balance', async () => {
        const user = await repo.insert(newUser());
        const at = new Date('2026-04-01T00:00:00Z');
        expect(await repo.addCredits(user.id, 10, at)).toBe(10);
        expect(await repo.addCredits(user.id, -4, at)).toBe(6);
        expect(await codeOf(repo.addCredits(user.id, -7, at))).toBe('INSUFFICIENT_CREDITS');
        const after = await repo.findById(user.id);
        expect(after).toMatchObject({ credits: 6, version: 3 });
        expect(after?.updated_at.toISOString()).toBe(at.toISOString());
        expect(await repo.addCredits(987_654, 1, at)).toBeUndefined();
      });

      it('never lets 30 parallel spends take the balance below zero', async () => {
        const user = await repo.insert(newUser());
        await repo.addCredits(user.id, 20, new Date());
        const codes = await Promise.all(Array.from({ length: 30 }, () => codeOf(repo.addCredits(user.id, -1, new Date()))));
        expect(codes.filter((c) => c === 'ok')).toHaveLength(20);
        expect(codes.filter((c) => c === 'INSUFFICIENT_CREDITS')).toHaveLength(10);
        expect((await repo.findById(user.id))?.credits).toBe(0);
      });

      it('keeps a ledger, finds rows by idempotency key and pages newest first', async () => {
        const user = await repo.insert(newUser());
        const other = await repo.insert(newUser());
        const at = new Date('2026-04-02T00:00:00.123Z');
        const rows = [];
        for (let i = 1; i <= 5; i++) {
          rows.push(await repo.insertCreditTransaction({ user_id: user.id, actor_id: other.id, amount: i, balance_after: i * 10, reason: `r${i}`, idempotency_key: i === 3 ? 'key-3' : null, created_at: at }));
        }
        await repo.insertCreditTransaction({ user_id: other.id, actor_id: null, amount: 1, balance_after: 1, reason: 'other', idempotency_key: 'key-3', created_at: at });
        expect(rows[2]).toMatchObject({ amount: 3, balance_after: 30, reason: 'r3', idempotency_key: 'key-3', actor_id: other.id });
        expect(rows[2]?.created_at.toISOString()).toBe(at.toISOString());
        expect((await repo.findCreditTransaction(user.id, 'key-3'))?.id).toBe(rows[2]?.id);
        expect(await repo.findCreditTransaction(user.id, 'nope')).toBeUndefined();
        const first = await repo.listCreditTransactions(user.id, { limit: 2 });
        expect(first.items.map((r) => r.amount)).toEqual([5, 4]);
        const second = await repo.listCreditTransactions(user.id, { limit: 10, cursor: first.next_cursor ?? '' });
        expect(second.items.map((r) => r.amount)).toEqual([3, 2, 1]);
        expect(second.next_cursor).toBeNull();
      });

      it('refuses a second ledger row with the same idempotency key for one user', async () => {
        const user = await repo.insert(newUser());
        const row = { user_id: user.id, actor_id: null, amount: 1, balance_after: 1, reason: 'x', idempotency_key: 'same', created_at: new Date() };
        await repo.insertCreditTransaction(row);
        await expect(repo.insertCreditTransaction(row)).rejects.toThrow();
      });
    });

    describe('statistics', () => {
      it('counts live users by type, status, lead status and verification, signups per UTC day, and credits', async () => {
        await repo.insert(newUser({ user_type: 'admin', is_super_admin: true, email_verified: true, created_at: new Date('2026-03-01T10:00:00Z') }));
        const c1 = await repo.insert(newUser({ lead_status: 'lead', created_at: new Date('2026-03-02T23:59:59Z') }));
        await repo.insert(newUser({ lead_status: 'qualified', status: 'pending', created_at: new Date('2026-03-02T00:00:00Z') }));
        await repo.insert(newUser({ status: 'suspended', created_at: new Date('2026-02-01T00:00:00Z') }));
        const gone = await repo.insert(newUser({ created_at: new Date('2026-03-02T12:00:00Z') }));
        await repo.update(gone.id, { deleted_at: new Date() });
        await repo.addCredits(c1.id, 7, new Date());
        const counts = await repo.countUsers(new Date('2026-03-01T00:00:00Z'));
        expect(counts.total).toBe(4);
        expect(counts.byUserType).toMatchObject({ admin: 1, customer: 3 });
        expect(counts.byStatus).toMatchObject({ active: 2, pending: 1, suspended: 1 });
        expect(counts.byLeadStatus).toMatchObject({ lead: 1, qualified: 1, none: 2 });
        expect(counts.verified).toBe(1);
        expect(Object.fromEntries(Object.entries(counts.signupsPerDay).filter(([, n]) => n > 0))).toEqual({ '2026-03-01': 1, '2026-03-02': 2 });
        expect(counts.credits).toBe(7);
      });
    });

    describe('activity and health', () => {
      it('lists a user\'s activity newest first, keyset-paginated', async () => {
        const user = await repo.insert(newUser());
        const other = await repo.insert(newUser());
        for (const action of ['a', 'b', 'c']) await repo.appendActivity({ user_id: user.id, actor_id: null, action, changes: null, created_at: new Date() });
        await repo.appendActivity({ user_id: other.id, actor_id: null, action: 'x', changes: null, created_at: new Date() });
        const first = await repo.listActivity(user.id, { limit: 2 });
        expect(first.items.map((a) => a.action)).toEqual(['c', 'b']);
        const rest = await repo.listActivity(user.id, { limit: 2, cursor: first.next_cursor ?? '' });
        expect(rest.items.map((a) => a.action)).toEqual(['a']);
        expect(rest.next_cursor).toBeNull();
      });

      it('appends activity entries with increasing ids', async () => {
        const user = await repo.insert(newUser());
        const at = new Date('2026-05-05T05:05:05.005Z');
        const a = await repo.appendActivity({ user_id: user.id, actor_id: user.id, action: 'login', changes: null, created_at: at });
        const b = await repo.appendActivity({ user_id: user.id, actor_id: null, action: 'updated', changes: { name: { old: null, new: 'x' } }, created_at: at });
        expect(b.id).toBeGreaterThan(a.id);
        expect(b).toMatchObject({ user_id: user.id, actor_id: null, action: 'updated', changes: { name: { old: null, new: 'x' } } });
        expect(b.created_at.toISOString()).toBe(at.toISOString());
      });

      it('answers ping', async () => {
        await expect(repo.ping()).resolves.toBeUndefined();
      });
    });
}
