/**
 * The dashboard's user types: the wire types come from the API contract through `@userkit/client`
 * (never redeclared here), plus the shapes of the dashboard's own forms.
 */
import type { RouteInput, RouteOutput, User } from '@userkit/client';

export type { User };

/** One page of the user list. */
export type UserPage = RouteOutput<'listUsers'>;
/** The statistics of the admin overview. */
export type UserStats = RouteOutput<'stats'>;
/** One activity entry. */
export type ActivityEntry = RouteOutput<'listActivity'>['items'][number];
/** One credit transaction. */
export type CreditTransaction = RouteOutput<'listCredits'>['items'][number];
/** What an update may send. */
export type UserPatch = RouteInput<'updateUser'>['body'];

/** The profile fields a user edits on itself, as form text (empty means none). */
export const profileFields = ['name', 'username', 'phone', 'address', 'city', 'state', 'zip_code', 'country', 'business_site', 'business_type'] as const;
export type ProfileField = (typeof profileFields)[number];
export type ProfileFormValues = Record<ProfileField, string>;

/** The fields an admin edits on a customer beyond the profile (CRM and account). */
export const userTypes = ['admin', 'customer'] as const;
export const userStatuses = ['active', 'inactive', 'pending', 'suspended'] as const;
export const leadStatuses = ['lead', 'qualified', 'customer', 'closed'] as const;
export type UserStatus = (typeof userStatuses)[number];
export type LeadStatus = (typeof leadStatuses)[number];
