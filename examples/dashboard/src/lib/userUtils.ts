/** Small pure helpers for showing and editing users. */
import { profileFields, type ProfileFormValues, type User, type UserPatch } from '../types/user';

const labels: Record<string, string> = {
  name: 'Name',
  username: 'Username',
  phone: 'Phone',
  address: 'Address',
  city: 'City',
  state: 'State',
  zip_code: 'ZIP code',
  country: 'Country',
  business_site: 'Business site',
  business_type: 'Business type',
};

/** A field's label. */
export function fieldLabel(field: string): string {
  return labels[field] ?? field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** The name to show: the name, else the username, else the email. */
export function displayName(user: Pick<User, 'name' | 'username' | 'email'>): string {
  return user.name?.trim() || user.username?.trim() || user.email;
}

/** A timestamp as a short local date and time; a dash for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** The profile form's values from a user (null becomes empty text). */
export function toFormValues(user: User): ProfileFormValues {
  return Object.fromEntries(profileFields.map((field) => [field, user[field] ?? ''])) as ProfileFormValues;
}

/**
 * The update body for what changed in the form: only changed fields are sent (a partial update),
 * and emptied fields are sent as null (cleared).
 */
export function profilePatch(user: User, values: ProfileFormValues): UserPatch {
  const patch: Record<string, string | null> = {};
  for (const field of profileFields) {
    const next = values[field].trim();
    if (next !== (user[field] ?? '')) patch[field] = next === '' ? null : next;
  }
  return patch as UserPatch;
}

/** A count with a thousands separator. */
export function formatCount(value: number): string {
  return value.toLocaleString('en');
}

/** What a viewer may edit on a user, mirroring the API's role policy (the API enforces it anyway). */
export interface EditPolicy {
  profile: boolean;
  /** Lead status and notes. */
  crm: boolean;
  /** Status and email verification. */
  account: boolean;
  /** User type and super admin. */
  role: boolean;
}

export function editPolicy(viewer: Pick<User, 'id' | 'user_type' | 'is_super_admin'>, target: Pick<User, 'id' | 'user_type'>): EditPolicy {
  const self = viewer.id === target.id;
  if (viewer.is_super_admin) return { profile: true, crm: true, account: true, role: true };
  if (self) return { profile: true, crm: false, account: false, role: false };
  const onCustomer = viewer.user_type === 'admin' && target.user_type === 'customer';
  return { profile: onCustomer, crm: onCustomer, account: onCustomer, role: false };
}
