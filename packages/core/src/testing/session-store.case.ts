/**
 * The conformance suite every {@link SessionStore} must pass (docs/sessions.md): rows stored as
 * given, rotation that replaces the head exactly once (also under parallel calls), live means
 * neither revoked, nor replaced, nor expired, revocation of one family or of every session of a
 * user, bounded pruning of expired rows. Run it from a store's tests:
 *
 * ```ts
 * describeSessionStore('MemorySessionStore', async () => {
 *   const repository = new MemoryUserRepository();
 *   return { store: repository.sessions, createUser: async () => (await repository.insert(newUser())).id, close: async () => {} };
 * });
 * ```
 *
 * Time is passed in (`now`), never read from a clock.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { NewSessionRecord, SessionStore } from '../session-store';

/** What one test needs: a store, a way to make the users sessions belong to, and a release. */
export interface SessionStoreFixture {
  store: SessionStore;
  /** Creates a user (SQL stores reference `users`) and resolves with its id. */
  createUser(): Promise<number>;
  close(): Promise<void>;
}

const t0 = new Date('2026-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
let seq = 0;

/** A new row of `family` (a new family when omitted) for `userId`, expiring at `expires` seconds. */
function row(userId: number, options: { family?: string; expires?: number; created?: number } = {}): NewSessionRecord {
  const id = `s${++seq}${Math.random().toString(36).slice(2, 10)}`;
  return {
    id,
    user_id: userId,
    family_id: options.family ?? id,
    token_hash: `${id}`.padEnd(64, '0'),
    created_at: at(options.created ?? 0),
    last_used_at: at(options.created ?? 0),
    expires_at: at(options.expires ?? 3600),
    user_agent: 'conformance',
    ip: '203.0.113.9',
  };
}

export function describeSessionStore(name: string, open: () => Promise<SessionStoreFixture>): void {
  describe(`SessionStore conformance: ${name}`, () => {
    let fixture: SessionStoreFixture;
    let user: number;
    const store = () => fixture.store;

    beforeEach(async () => {
      fixture = await open();
      user = await fixture.createUser();
      return () => fixture.close();
    });

    it('insert stores the row as given, not revoked nor replaced; findByTokenHash finds it', async () => {
      const r = row(user);
      const stored = await store().insert(r);
      expect(stored).toEqual({ ...r, revoked_at: null, replaced_by: null });
      expect(await store().findByTokenHash(r.token_hash)).toEqual(stored);
      expect(await store().findByTokenHash('f'.repeat(64))).toBeUndefined();
    });

    it('a live session is live; another user, another family or a later time is not', async () => {
      const r = await store().insert(row(user, { expires: 100 }));
      const other = await fixture.createUser();
      expect(await store().isLive(user, r.family_id, at(10))).toBe(true);
      expect(await store().isLive(other, r.family_id, at(10))).toBe(false);
      expect(await store().isLive(user, 'nosuchfamily', at(10))).toBe(false);
      expect(await store().isLive(user, r.family_id, at(100))).toBe(false);
    });

    it('rotate replaces the head once: the old row is marked, the family stays live through the new row', async () => {
      const first = await store().insert(row(user));
      const next = row(user, { family: first.family_id });
      const rotated = await store().rotate(first.id, next, at(5));
      expect(rotated).toEqual({ ...next, revoked_at: null, replaced_by: null });
      const old = await store().findByTokenHash(first.token_hash);
      expect(old).toMatchObject({ replaced_by: next.id, last_used_at: at(5), revoked_at: null });
      expect(await store().isLive(user, first.family_id, at(6))).toBe(true);
      // The replaced row cannot be rotated again.
      expect(await store().rotate(first.id, row(user, { family: first.family_id }), at(7))).toBeUndefined();
    });

    it('parallel rotations of one head: exactly one wins', async () => {
      const first = await store().insert(row(user));
      const results = await Promise.all([1, 2, 3, 4].map(() => store().rotate(first.id, row(user, { family: first.family_id }), at(5))));
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect(await store().listLive(user, at(6))).toHaveLength(1);
    });

    it('rotate refuses a revoked or expired head', async () => {
      const revoked = await store().insert(row(user));
      await store().revokeFamily(user, revoked.family_id, at(1));
      expect(await store().rotate(revoked.id, row(user, { family: revoked.family_id }), at(2))).toBeUndefined();
      const expired = await store().insert(row(user, { expires: 10 }));
      expect(await store().rotate(expired.id, row(user, { family: expired.family_id }), at(10))).toBeUndefined();
    });

    it('listLive: the head of each live session, newest first', async () => {
      const a = await store().insert(row(user, { created: 1 }));
      const b = await store().insert(row(user, { created: 2 }));
      await store().insert(row(user, { created: 3, expires: 5 }));
      const c = await store().insert(row(user, { created: 4 }));
      await store().revokeFamily(user, c.family_id, at(6));
      const bNext = row(user, { family: b.family_id, created: 2 });
      await store().rotate(b.id, bNext, at(6));
      const live = await store().listLive(user, at(7));
      expect(live.map((r) => r.id)).toEqual([bNext.id, a.id]);
    });

    it('revokeFamily ends every row of that family only, and says whether it was live', async () => {
      const a = await store().insert(row(user));
      const aNext = row(user, { family: a.family_id });
      await store().rotate(a.id, aNext, at(1));
      const b = await store().insert(row(user));
      expect(await store().revokeFamily(user, a.family_id, at(2))).toBe(true);
      expect(await store().revokeFamily(user, a.family_id, at(3))).toBe(false);
      expect(await store().findByTokenHash(a.token_hash)).toMatchObject({ revoked_at: at(2) });
      expect(await store().findByTokenHash(aNext.token_hash)).toMatchObject({ revoked_at: at(2) });
      expect(await store().isLive(user, b.family_id, at(4))).toBe(true);
      // Another user's family id is not this user's to end.
      const other = await fixture.createUser();
      expect(await store().revokeFamily(other, b.family_id, at(4))).toBe(false);
      expect(await store().isLive(user, b.family_id, at(4))).toBe(true);
    });

    it('revokeAll ends every session of the user, no one else’s', async () => {
      const other = await fixture.createUser();
      await store().insert(row(user));
      await store().insert(row(user));
      const theirs = await store().insert(row(other));
      expect(await store().revokeAll(user, at(1))).toBe(2);
      expect(await store().listLive(user, at(2))).toEqual([]);
      expect(await store().isLive(other, theirs.family_id, at(2))).toBe(true);
    });

    it('pruneExpired deletes at most `limit` expired rows and never a live one', async () => {
      for (let i = 0; i < 3; i++) await store().insert(row(user, { expires: 10 }));
      const live = await store().insert(row(user, { expires: 1000 }));
      expect(await store().pruneExpired(at(20), 2)).toBe(2);
      expect(await store().pruneExpired(at(20), 10)).toBe(1);
      expect(await store().pruneExpired(at(20), 10)).toBe(0);
      expect(await store().findByTokenHash(live.token_hash)).toBeDefined();
    });
  });
}
