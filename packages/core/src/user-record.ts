/**
 * A user as stored: every column of SPEC 3, timestamps as `Date`. Only repositories and the
 * service see it; everything sent out goes through {@link toPublicUser}.
 */
import type { LeadStatus, User, UserStatus, UserType } from './user-schema';

export interface UserRecord {
  id: number;
  email: string;
  password_hash: string;
  user_type: UserType;
  status: UserStatus;
  name: string | null;
  username: string | null;
  phone: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  zip_code: string | null;
  country: string | null;
  business_site: string | null;
  additional_websites: string[];
  business_type: string | null;
  lead_status: LeadStatus | null;
  notes: string | null;
  is_super_admin: boolean;
  is_authenticated: boolean;
  email_verified: boolean;
  /** A hash of the current verification code, never the code. */
  verification_code: string | null;
  verification_expires: Date | null;
  credits: number;
  created_at: Date;
  updated_at: Date;
  last_login: Date | null;
  /** Row version: bumped by every write; the ETag is derived from it. */
  version: number;
  /** Bumped to revoke every token issued before. */
  token_version: number;
  verification_attempts: number;
  /** Set by soft delete. A deleted user is invisible but keeps its email reserved. */
  deleted_at: Date | null;
}

/** What a repository needs to insert a user; everything else takes its column default. */
export type NewUserRecord = Pick<UserRecord, 'email' | 'password_hash' | 'user_type' | 'status'> &
  Partial<Omit<UserRecord, 'id' | 'version' | 'token_version' | 'deleted_at' | 'credits'>>;

/** The columns a repository `update` may change (credits change only through the ledger). */
export type UserPatch = Partial<Omit<UserRecord, 'id' | 'version' | 'created_at' | 'credits'>>;

/** Columns that never leave the server. */
export const secretColumns = ['password_hash', 'verification_code', 'verification_attempts', 'token_version'] as const;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * The wire form of a user (SPEC 4): ISO timestamps and no secret column.
 *
 * @example
 * ```ts
 * res.json({ user: toPublicUser(record) });
 * ```
 */
export function toPublicUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    user_type: record.user_type,
    status: record.status,
    name: record.name,
    username: record.username,
    phone: record.phone,
    address: record.address,
    city: record.city,
    state: record.state,
    zip_code: record.zip_code,
    country: record.country,
    business_site: record.business_site,
    additional_websites: record.additional_websites,
    business_type: record.business_type,
    lead_status: record.lead_status,
    notes: record.notes,
    is_super_admin: record.is_super_admin,
    is_authenticated: record.is_authenticated,
    email_verified: record.email_verified,
    verification_expires: iso(record.verification_expires),
    credits: record.credits,
    created_at: record.created_at.toISOString(),
    updated_at: record.updated_at.toISOString(),
    last_login: iso(record.last_login),
    version: record.version,
  };
}

/** True when the user is an active super admin: the role SPEC 6 never lets the system run out of. */
export function isActiveSuperAdmin(user: Pick<UserRecord, 'user_type' | 'is_super_admin' | 'status' | 'deleted_at'>): boolean {
  return user.user_type === 'admin' && user.is_super_admin && user.status === 'active' && user.deleted_at === null;
}
