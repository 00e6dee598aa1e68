import { describe, expect, it } from 'vitest';
import { MemoryUserRepository, type UserRepository } from '@userkit/core/server';
import { describeSessionStore } from '../../core/src/testing/session-store.case';
import { databaseTargets } from '@userkit/kysely/testing';

let seq = 0;
const newUser = () => ({ email: `session${++seq}-${Math.random().toString(36).slice(2, 8)}@example.com`, password_hash: 'x', user_type: 'customer' as const, status: 'active' as const });

const targets = databaseTargets();
for (const target of targets) {
  describeSessionStore(`KyselySessionStore (${target.name})`, async () => {
    const { repository, close } = await target.open();
    return { store: repository.sessions, createUser: async () => (await repository.insert(newUser())).id, close };
  });
}

/** findActor: the caller, its session's state and a target in one statement, on every repository. */
const repositories: { name: string; open: () => Promise<{ repository: UserRepository; close(): Promise<void> }> }[] = [
  { name: 'memory', open: async () => ({ repository: new MemoryUserRepository(), close: async () => {} }) },
  ...targets.map((t) => ({ name: t.name, open: () => t.open() })),
];

for (const { name, open } of repositories) {
  describe(`UserRepository#findActor (${name})`, () => {
    it('reports the session live until it is revoked, replaced or expired; loads the other user alongside', async () => {
      const { repository, close } = await open();
      try {
        const sessions = repository.sessions!;
        const findActor = repository.findActor!.bind(repository);
        const user = await repository.insert(newUser());
        const other = await repository.insert(newUser());
        const now = new Date('2026-01-01T00:00:00Z');
        const later = new Date(now.getTime() + 3_600_000);
        const base = { user_id: user.id, created_at: now, last_used_at: now, expires_at: later, user_agent: null, ip: null };
        await sessions.insert({ ...base, id: 'famA', family_id: 'famA', token_hash: 'a'.repeat(64) });
        await sessions.insert({ ...base, id: 'famB', family_id: 'famB', token_hash: 'b'.repeat(64) });

        expect(await findActor({ id: user.id, sessionId: 'famA', now })).toMatchObject({ actor: { id: user.id }, sessionLive: true, other: undefined });
        expect(await findActor({ id: user.id, sessionId: 'famA', otherId: other.id, now })).toMatchObject({ actor: { id: user.id }, sessionLive: true, other: { id: other.id } });
        expect(await findActor({ id: user.id, sessionId: 'famA', otherId: 999_999, now })).toMatchObject({ sessionLive: true, other: null });
        expect((await findActor({ id: user.id, sessionId: 'famA', now })).actor).not.toHaveProperty('session_live');
        // A target comes whole, also when it is the caller (its flows read the credentials).
        expect((await findActor({ id: user.id, sessionId: 'famA', otherId: user.id, now })).other).toMatchObject({ id: user.id, password_hash: user.password_hash });
        // Another user's session does not make this one live.
        expect((await findActor({ id: other.id, sessionId: 'famA', now })).sessionLive).toBe(false);
        expect((await findActor({ id: user.id, sessionId: 'famA', now: later })).sessionLive).toBe(false);
        // To the millisecond: live one millisecond before it expires.
        expect((await findActor({ id: user.id, sessionId: 'famA', now: new Date(later.getTime() - 1) })).sessionLive).toBe(true);

        await sessions.rotate('famA', { ...base, id: 'famA2', family_id: 'famA', token_hash: 'c'.repeat(64) }, now);
        expect((await findActor({ id: user.id, sessionId: 'famA', now })).sessionLive).toBe(true);
        await sessions.revokeFamily(user.id, 'famA', now);
        // An ended session still finds its caller (the service tells "session ended" from "account gone").
        expect(await findActor({ id: user.id, sessionId: 'famA', now })).toMatchObject({ actor: { id: user.id }, sessionLive: false });
        expect(await findActor({ id: user.id, sessionId: 'famA', otherId: other.id, now })).toMatchObject({ actor: { id: user.id }, sessionLive: false, other: { id: other.id } });
        expect(await findActor({ id: 999_999, sessionId: 'famB', now })).toMatchObject({ actor: undefined, sessionLive: false });
        expect((await findActor({ id: user.id, sessionId: 'famB', otherId: other.id, now })).sessionLive).toBe(true);
        expect(await findActor({ id: user.id, now })).toMatchObject({ sessionLive: true });
        // A deleted caller is not found, whatever its session.
        await repository.update(user.id, { deleted_at: now });
        expect((await findActor({ id: user.id, sessionId: 'famB', now })).actor).toBeUndefined();
      } finally {
        await close();
      }
    });
  });
}
