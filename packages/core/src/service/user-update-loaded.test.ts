/**
 * Updating a user loaded together with the caller (`user-admin.ts`'s one-statement path over
 * `user-change.ts`): the same outcome as the locked path, and its fallbacks.
 * Over the in-memory repository, the memory mailer and a manual clock.
 */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/fixtures';
import { actions, freshEachTest, h } from '../../test/service-suite';

freshEachTest();

describe('update of a target loaded with the caller (one statement)', () => {
  it('writes the change and its activity entry, as the locked path does', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    const loaded = await h.repository.findById(customer.id);
    const user = await h.service.update(admin, customer.id, { city: 'Lyon' }, { loaded });
    expect(user).toMatchObject({ city: 'Lyon', version: 2 });
    expect(actions(h, customer.id).at(-1)).toBe('updated');
    expect(h.repository.activityFor(customer.id).at(-1)).toMatchObject({ actor_id: admin.id, changes: { city: { old: null, new: 'Lyon' } } });
  });

  it('starts again under a lock when the loaded row went stale, so no change is lost', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    const stale = await h.repository.findById(customer.id);
    await h.service.update(admin, customer.id, { name: 'Ada' });
    const user = await h.service.update(admin, customer.id, { city: 'Lyon' }, { loaded: stale });
    expect(user).toMatchObject({ name: 'Ada', city: 'Lyon', version: 3 });
  });

  it('answers PRECONDITION_FAILED when If-Match names the version loaded but the row moved on', async () => {
    const admin = await h.seedAdmin();
    const customer = await h.seedCustomer();
    const stale = await h.repository.findById(customer.id);
    await h.service.update(admin, customer.id, { name: 'Ada' });
    const error = await errorOf(h.service.update(admin, customer.id, { city: 'Lyon' }, { loaded: stale, expectedVersion: 1 }));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect((await h.repository.findById(customer.id))?.city).toBeNull();
  });

  it('judges the role policy on the loaded row: NOT_FOUND for a missing one, FIELD_NOT_ALLOWED as usual', async () => {
    const admin = await h.seedAdmin();
    const other = await h.seedAdmin();
    expect((await errorOf(h.service.update(admin, 4242, { city: 'Lyon' }, { loaded: null }))).code).toBe('NOT_FOUND');
    const loaded = await h.repository.findById(other.id);
    expect((await errorOf(h.service.update(admin, other.id, { city: 'Lyon' }, { loaded }))).code).toBe('FORBIDDEN');
  });
});
