/** The pure helpers: what the forms send, and what the detail page lets a viewer edit. */
import type { User } from '@userkit/client';
import { describe, expect, it } from 'vitest';
import { displayName, editPolicy, profilePatch, toFormValues } from './userUtils';

const user = { id: 2, email: 'ada@example.test', name: 'Ada', username: null, city: 'London', phone: null, user_type: 'customer', is_super_admin: false } as unknown as User;

describe('profilePatch', () => {
  it('sends only what changed, trimmed, and an emptied field as null', () => {
    const values = { ...toFormValues(user), city: '', phone: ' +44 20 7946 0958 ' };
    expect(profilePatch(user, values)).toEqual({ city: null, phone: '+44 20 7946 0958' });
    expect(profilePatch(user, toFormValues(user))).toEqual({});
  });
});

describe('displayName', () => {
  it('falls back from the name to the username to the email', () => {
    expect(displayName(user)).toBe('Ada');
    expect(displayName({ ...user, name: ' ', username: 'ada' })).toBe('ada');
    expect(displayName({ ...user, name: null })).toBe('ada@example.test');
  });
});

describe('editPolicy', () => {
  const admin = { id: 1, user_type: 'admin', is_super_admin: false } as const;
  it('follows the role policy: admins edit customers, not other admins; roles are for super admins', () => {
    expect(editPolicy(admin, { id: 2, user_type: 'customer' })).toEqual({ profile: true, crm: true, account: true, role: false });
    expect(editPolicy(admin, { id: 3, user_type: 'admin' })).toEqual({ profile: false, crm: false, account: false, role: false });
    expect(editPolicy(admin, { id: 1, user_type: 'admin' })).toEqual({ profile: true, crm: false, account: false, role: false });
    expect(editPolicy({ ...admin, is_super_admin: true }, { id: 3, user_type: 'admin' })).toEqual({ profile: true, crm: true, account: true, role: true });
    expect(editPolicy({ id: 2, user_type: 'customer', is_super_admin: false }, { id: 2, user_type: 'customer' })).toEqual({ profile: true, crm: false, account: false, role: false });
  });
});
