/** Constants shared by the bench's seed step and servers. */

/** HS256 secret of every userkit bench server (at least 32 bytes). */
export const benchJwtSecret = 'userkit-bench-only-secret-0123456789abcdef';

/** The password of every seeded user. */
export const benchPassword = 'bench-password-Horse-42';

/** Users generated for the read, list and write scenarios when BENCH_USERS does not say. */
export const defaultSeededUsers = 100_000;

/** Customers that only the login scenarios sign in as (so logins never touch the rows read). */
export const loginUsers = 8;

export const adminEmail = 'bench-admin@example.com';
/** The customer whose token reads GET /users/me. */
export const meEmail = 'bench-me@example.com';
export const loginEmail = (i: number): string => `bench-login-${i}@example.com`;

/** The public columns of a user, as the raw baselines select them. */
export const publicColumns = [
  'id', 'email', 'user_type', 'status', 'name', 'username', 'phone', 'address', 'city', 'state', 'zip_code', 'country',
  'business_site', 'additional_websites', 'business_type', 'lead_status', 'notes', 'is_super_admin', 'is_authenticated',
  'email_verified', 'verification_expires', 'credits', 'created_at', 'updated_at', 'last_login', 'version',
] as const;

/** The columns of the narrow raw baseline: what a hand-written "get user" endpoint typically reads. */
export const narrowColumns = ['id', 'email', 'name', 'user_type', 'status', 'created_at', 'updated_at'] as const;

/** The single-row select of the raw baselines: every public column (wide) or the narrow few. */
export const rawSelect = (columns: 'wide' | 'narrow' = 'wide'): string =>
  `select ${(columns === 'narrow' ? narrowColumns : publicColumns).join(', ')} from users where id = $1 and deleted_at is null`;
