/**
 * Lifecycle events (`user-events.ts`, emitted by the service modules): each fires once, after its
 * transaction committed, with public data only; a failing subscriber never fails the write; a
 * rolled-back write emits nothing.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createHarness, errorOf, expectPublicUser, type Harness } from '../../test/fixtures';
import { actions } from '../../test/service-suite';
import type { EventErrorHandler, UserEventMap, UserEventName } from '../user-events';

const password = 'a sturdy passphrase 1';

interface Seen {
  event: UserEventName;
  payload: unknown;
  /** The committed activity actions when the subscriber ran. */
  committed: string[];
}

let h: Harness;
let seen: Seen[];
let onEventError: ReturnType<typeof vi.fn<EventErrorHandler>>;

const allEvents: UserEventName[] = [
  'user.created',
  'user.updated',
  'user.deleted',
  'user.email_verified',
  'user.password_changed',
  'user.password_reset',
  'user.signed_in',
  'user.sign_in_failed',
  'session.ended',
  'credits.changed',
];

beforeEach(() => {
  onEventError = vi.fn<EventErrorHandler>();
  h = createHarness({ onEventError });
  seen = [];
  for (const event of allEvents) h.service.events.on(event, (payload) => void seen.push({ event, payload, committed: actions(h) }));
});

const names = () => seen.map((s) => s.event);
const only = <K extends UserEventName>(event: K): UserEventMap[K] => {
  const matching = seen.filter((s) => s.event === event);
  expect(matching).toHaveLength(1);
  return matching[0]?.payload as UserEventMap[K];
};
const secretFree = (payload: unknown) => {
  const text = JSON.stringify(payload);
  for (const secret of ['password_hash', 'verification_code', 'token_version', 'fake$']) expect(text).not.toContain(secret);
};

describe('each event fires once, after commit, with public data', () => {
  it('register → user.created (self), then verify → user.email_verified, then login → user.signed_in', async () => {
    const user = await h.service.register({ email: 'ada@example.com', password, name: 'Ada' });
    const created = only('user.created');
    expect(created).toMatchObject({ actorId: user.id, via: 'register', user: { id: user.id, email: 'ada@example.com' } });
    expectPublicUser(created.user);
    expect(seen[0]?.committed).toContain('registered');

    await h.service.verifyEmail({ email: 'ada@example.com', code: h.mailer.lastCodeFor('ada@example.com') ?? '' });
    expect(only('user.email_verified').user).toMatchObject({ id: user.id, email_verified: true, status: 'active' });
    expect(seen.at(-1)?.committed).toContain('email_verified');

    await h.service.authenticate({ email: 'ada@example.com', password });
    expect(only('user.signed_in').user.id).toBe(user.id);
    expect(seen.at(-1)?.committed).toContain('login');
    expect(names()).toEqual(['user.created', 'user.email_verified', 'user.signed_in']);
    seen.forEach((s) => secretFree(s.payload));
  });

  it('a failed sign-in → user.sign_in_failed with the reason, never the password', async () => {
    await h.seedCustomer({ email: 'bob@example.com', password });
    await h.seedCustomer({ email: 'sus@example.com', password, status: 'suspended' });
    await errorOf(h.service.authenticate({ email: 'Bob@example.com', password: 'wrong password here' }));
    await errorOf(h.service.authenticate({ email: 'nobody@example.com', password }));
    await errorOf(h.service.authenticate({ email: 'sus@example.com', password }));
    expect(seen.map((s) => s.payload)).toEqual([
      { email: 'bob@example.com', reason: 'invalid_credentials' },
      { email: 'nobody@example.com', reason: 'invalid_credentials' },
      { email: 'sus@example.com', reason: 'account_suspended' },
    ]);
    expect(JSON.stringify(seen)).not.toContain('wrong password');
    // A malformed body is no sign-in attempt.
    await errorOf(h.service.authenticate({ email: 'not an email', password }));
    expect(seen).toHaveLength(3);
  });

  it('admin create, update (changed fields), password change, delete', async () => {
    const admin = await h.seedAdmin();
    const user = await h.service.create(admin, { email: 'c@example.com', password });
    expect(only('user.created')).toMatchObject({ actorId: admin.id, via: 'admin', user: { id: user.id } });

    await h.service.update(admin, user.id, { name: 'Cleo', city: 'Lisbon' });
    const updated = only('user.updated');
    expect(updated).toMatchObject({ actorId: admin.id, via: 'admin', user: { id: user.id, name: 'Cleo', city: 'Lisbon' } });
    expect(updated.changes.sort()).toEqual(['city', 'name']);
    expect(seen.at(-1)?.committed.filter((a) => a === 'updated')).toHaveLength(1);

    // An update that changes nothing writes nothing and tells no one.
    await h.service.update(admin, user.id, { name: 'Cleo' });
    expect(names().filter((n) => n === 'user.updated')).toHaveLength(1);

    await h.service.changePassword(admin, user.id, { new_password: 'another sturdy passphrase' });
    expect(only('user.password_changed')).toEqual({ userId: user.id, actorId: admin.id });

    await h.service.delete(admin, user.id);
    expect(only('user.deleted')).toEqual({ userId: user.id, actorId: admin.id });
    expect(seen.at(-1)?.committed).toContain('deleted');
    seen.forEach((s) => secretFree(s.payload));
  });

  it('a self update is via self', async () => {
    const user = await h.seedCustomer();
    await h.service.update(user, user.id, { phone: '+351 912 345 678' });
    expect(only('user.updated')).toMatchObject({ via: 'self', actorId: user.id, changes: ['phone'] });
  });

  it('credits: an adjustment, a grant and a spend each fire credits.changed; a replayed idempotency key does not', async () => {
    const admin = await h.seedAdmin();
    const user = await h.seedCustomer();
    const adjusted = await h.service.adjustCredits(admin, user.id, { amount: 10, reason: 'Welcome' }, { idempotencyKey: 'k-1' });
    await h.service.adjustCredits(admin, user.id, { amount: 10, reason: 'Welcome' }, { idempotencyKey: 'k-1' });
    await h.service.grantCredits(user.id, 5, 'Bonus');
    await h.service.spendCredits(user.id, 3, 'Render');
    expect(seen.map((s) => s.payload)).toEqual([
      { userId: user.id, actorId: admin.id, amount: 10, balance: 10, reason: 'Welcome', transactionId: adjusted.transaction.id },
      { userId: user.id, actorId: null, amount: 5, balance: 15, reason: 'Bonus', transactionId: expect.any(Number) },
      { userId: user.id, actorId: null, amount: -3, balance: 12, reason: 'Render', transactionId: expect.any(Number) },
    ]);
  });

  it('an import fires user.created per created row and user.updated per changed row', async () => {
    const admin = await h.seedSuperAdmin();
    const existing = await h.seedCustomer({ email: 'old@example.com' });
    const rows = [{ email: 'new@example.com', name: 'New', password }, { email: 'old@example.com', name: 'Renamed' }];
    const source = (async function* () {
      yield rows.map((row) => JSON.stringify(row)).join('\n');
    })();
    await h.service.importUsers(admin, source, 'application/x-ndjson', { on_conflict: 'update' });
    expect(only('user.created')).toMatchObject({ via: 'import', actorId: admin.id, user: { email: 'new@example.com' } });
    expect(only('user.updated')).toMatchObject({ via: 'import', user: { id: existing.id, name: 'Renamed' }, changes: ['name'] });
    seen.forEach((s) => secretFree(s.payload));
  });

  it('ensureSuperAdmin fires user.created via seed, with no actor', async () => {
    await h.service.ensureSuperAdmin({ email: 'root@example.com', password });
    expect(only('user.created')).toMatchObject({ via: 'seed', actorId: null, user: { email: 'root@example.com', is_super_admin: true } });
  });
});

describe('failing subscribers', () => {
  it('a throwing subscriber does not fail the write and is reported with the event name', async () => {
    const boom = new Error('mail server down');
    h.service.on('user.created', () => {
      throw boom;
    });
    const user = await h.service.register({ email: 'eve@example.com', password });
    expect(await h.service.findActor(user.id)).toBeDefined();
    expect(onEventError).toHaveBeenCalledWith(boom, 'user.created');
    // The other subscribers still ran.
    expect(names()).toEqual(['user.created']);
  });

  it('a rejecting subscriber is reported too, and the write stands', async () => {
    const boom = new Error('CRM unavailable');
    h.service.on('user.deleted', async () => {
      throw boom;
    });
    const admin = await h.seedAdmin();
    const user = await h.seedCustomer();
    await h.service.delete(admin, user.id);
    await vi.waitFor(() => expect(onEventError).toHaveBeenCalledWith(boom, 'user.deleted'));
    expect(await h.service.findActor(user.id)).toBeUndefined();
  });

  it('by default the failure goes to console.error with the event name', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const plain = createHarness();
      plain.service.on('user.created', () => {
        throw new Error('nope');
      });
      await plain.service.register({ email: 'x@example.com', password });
      expect(error).toHaveBeenCalledWith(expect.stringContaining('user.created'), 'Error: nope');
    } finally {
      error.mockRestore();
    }
  });

  it('an unsubscribed handler is not called', async () => {
    const handler = vi.fn();
    const off = h.service.on('user.created', handler);
    off();
    await h.service.register({ email: 'y@example.com', password });
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('no event on rollback', () => {
  it('a refused update, delete or spend emits nothing', async () => {
    const root = await h.seedSuperAdmin();
    const user = await h.seedCustomer();
    // Removing the last super admin rolls back.
    expect((await errorOf(h.service.update(root, root.id, { status: 'suspended' }))).code).toBe('LAST_SUPER_ADMIN');
    expect((await errorOf(h.service.delete(root, root.id))).code).toBe('CANNOT_DELETE_SELF');
    expect((await errorOf(h.service.spendCredits(user.id, 5, 'Too much'))).code).toBe('INSUFFICIENT_CREDITS');
    expect((await errorOf(h.service.update(root, user.id, { name: 'Stale' }, { expectedVersion: 99 }))).code).toBe('PRECONDITION_FAILED');
    expect(seen).toEqual([]);
  });

  it('a transaction that fails after its writes emits nothing', async () => {
    const admin = await h.seedAdmin();
    const user = await h.seedCustomer();
    // The commit itself fails: the writes ran, then the transaction throws and rolls back.
    const inner = h.repository.inner;
    const original = inner.transaction.bind(inner);
    vi.spyOn(inner, 'transaction').mockImplementationOnce((fn) =>
      original(async (tx) => {
        await fn(tx);
        throw new Error('disk full');
      }),
    );
    await expect(h.service.update(admin, user.id, { name: 'Never' })).rejects.toThrow('disk full');
    expect((await h.record(user.id)).name).not.toBe('Never');
    expect(seen).toEqual([]);
  });
});
