/**
 * zod schemas for users (SPEC 3, 4, 6) and the types inferred from them. Every message is written
 * for a person reading a form.
 */
import * as z from 'zod';
import { storableText } from './storable-text';

export const userTypes = ['admin', 'customer'] as const;
export const userStatuses = ['active', 'inactive', 'pending', 'suspended'] as const;
export const leadStatuses = ['lead', 'qualified', 'customer', 'closed'] as const;

export type UserType = (typeof userTypes)[number];
export type UserStatus = (typeof userStatuses)[number];
export type LeadStatus = (typeof leadStatuses)[number];


const text = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, { error: `${label} must be at most ${max} characters` })
    .regex(storableText, { error: `${label} must not contain NUL characters or broken Unicode` });

const optionalText = (label: string, max: number) => text(label, max).nullable().optional();

const webUrl = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(2048, { error: `${label} must be at most 2048 characters` })
    .regex(storableText, { error: `${label} must not contain NUL characters or broken Unicode` })
    .pipe(z.url({ protocol: /^https?$/, error: `${label} must be an http(s) URL` }));

/** An email address: trimmed, lower-cased, at most 254 characters. */
export const emailSchema = z
  .string({ error: 'Email is required' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'Email must be at most 254 characters' })
  .regex(storableText, { error: 'Enter a valid email address' })
  .pipe(z.email({ error: 'Enter a valid email address' }));

/** A password as typed. Its strength rules (SPEC 7) are checked by the password policy, not here. */
export const passwordSchema = z
  .string({ error: 'Password is required' })
  .min(1, { error: 'Password is required' })
  .max(4096, { error: 'Password is far too long' });

export const usernameSchema = z
  .string({ error: 'Username must be text' })
  .trim()
  .min(3, { error: 'Username must be at least 3 characters' })
  .max(50, { error: 'Username must be at most 50 characters' })
  .regex(/^[A-Za-z0-9_.-]+$/, { error: 'Username may use letters, digits, dot, dash and underscore only' });

export const phoneSchema = z
  .string({ error: 'Phone must be text' })
  .trim()
  .max(40, { error: 'Phone must be at most 40 characters' })
  .regex(/^\+?[0-9 ().-]*$/, { error: 'Phone may use digits, spaces, dashes, dots, parentheses and a leading +' });

export const userTypeSchema = z.enum(userTypes, { error: 'User type must be admin or customer' });
export const userStatusSchema = z.enum(userStatuses, { error: 'Status must be active, inactive, pending or suspended' });
export const leadStatusSchema = z.enum(leadStatuses, { error: 'Lead status must be lead, qualified, customer or closed' });

/** Field groups of SPEC 6. */
export const profileFields = [
  'name',
  'username',
  'phone',
  'address',
  'city',
  'state',
  'zip_code',
  'country',
  'business_site',
  'additional_websites',
  'business_type',
  'email',
] as const;
export const crmFields = ['lead_status', 'notes'] as const;
export const accountFields = ['status', 'email_verified'] as const;
export const roleFields = ['user_type', 'is_super_admin'] as const;
export const creditFields = ['credits'] as const;
export const systemFields = [
  'id',
  'password_hash',
  'is_authenticated',
  'verification_code',
  'verification_expires',
  'verification_attempts',
  'created_at',
  'updated_at',
  'last_login',
  'version',
  'token_version',
  'deleted_at',
] as const;

export type ProfileField = (typeof profileFields)[number];
export type CrmField = (typeof crmFields)[number];
export type AccountField = (typeof accountFields)[number];
export type RoleField = (typeof roleFields)[number];
export type WritableField = ProfileField | CrmField | AccountField | RoleField;
export type FieldGroup = 'profile' | 'crm' | 'account' | 'role' | 'credits' | 'system';

/** Which group each column belongs to (a null-prototype map: `constructor` is not a column). */
export const fieldGroup: Readonly<Record<string, FieldGroup | undefined>> = Object.assign(Object.create(null) as Record<string, FieldGroup>, Object.fromEntries([
  ...profileFields.map((f) => [f, 'profile'] as const),
  ...crmFields.map((f) => [f, 'crm'] as const),
  ...accountFields.map((f) => [f, 'account'] as const),
  ...roleFields.map((f) => [f, 'role'] as const),
  ...creditFields.map((f) => [f, 'credits'] as const),
  ...systemFields.map((f) => [f, 'system'] as const),
]));

/** The profile fields, every one optional and nullable except email. */
export const profileShape = {
  email: emailSchema.optional(),
  name: optionalText('Name', 200),
  username: usernameSchema.nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  address: optionalText('Address', 500),
  city: optionalText('City', 100),
  state: optionalText('State', 100),
  zip_code: optionalText('ZIP code', 20),
  country: optionalText('Country', 100),
  business_site: webUrl('Business site').nullable().optional(),
  additional_websites: z
    .array(webUrl('Website'), { error: 'Additional websites must be a list of URLs' })
    .max(20, { error: 'At most 20 additional websites' })
    .optional(),
  business_type: optionalText('Business type', 100),
};

export const crmShape = {
  lead_status: leadStatusSchema.nullable().optional(),
  notes: optionalText('Notes', 10_000),
};

export const accountShape = {
  status: userStatusSchema.optional(),
  email_verified: z.boolean({ error: 'Email verified must be true or false' }).optional(),
};

export const roleShape = {
  user_type: userTypeSchema.optional(),
  is_super_admin: z.boolean({ error: 'Super admin must be true or false' }).optional(),
};

const strict = { error: (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `Unknown field${issue.keys && issue.keys.length > 1 ? 's' : ''}: ${(issue.keys ?? []).join(', ')}` : undefined };

/** Registration by anyone: creates a pending customer. */
export const registerSchema = z.strictObject(
  {
    ...profileShape,
    email: emailSchema,
    password: passwordSchema,
  },
  strict,
);

/** Update of the caller's own profile (customer or plain admin on self). */
export const selfUpdateSchema = z.strictObject(profileShape, strict);
/** Update of a customer by an admin. */
export const adminUpdateSchema = z.strictObject({ ...profileShape, ...crmShape, ...accountShape }, strict);
/** Update of anyone by a super admin. */
export const superAdminUpdateSchema = z.strictObject({ ...profileShape, ...crmShape, ...accountShape, ...roleShape }, strict);

/** Creation of a customer by an admin. */
export const adminCreateSchema = z.strictObject(
  {
    ...profileShape,
    ...crmShape,
    ...accountShape,
    email: emailSchema,
    password: passwordSchema,
  },
  strict,
);
/** Creation of any user by a super admin. */
export const superAdminCreateSchema = z.strictObject(
  {
    ...profileShape,
    ...crmShape,
    ...accountShape,
    ...roleShape,
    email: emailSchema,
    password: passwordSchema,
  },
  strict,
);

/** Self password change: the current password is required. */
export const selfPasswordChangeSchema = z.strictObject(
  {
    current_password: z.string({ error: 'Current password is required' }).min(1, { error: 'Current password is required' }).max(4096),
    new_password: passwordSchema,
  },
  strict,
);
/** Password set by an admin on someone else. */
export const adminPasswordSetSchema = z.strictObject({ new_password: passwordSchema }, strict);

export const loginSchema = z.strictObject({ email: emailSchema, password: passwordSchema }, strict);
export const verifyEmailSchema = z.strictObject(
  { email: emailSchema, code: z.string({ error: 'Code is required' }).trim().regex(/^\d{6}$/, { error: 'The code has 6 digits' }) },
  strict,
);
export const resendVerificationSchema = z.strictObject({ email: emailSchema }, strict);

const isoDate = z.iso.datetime({ offset: true });

/**
 * A user as sent on the wire (SPEC 4): snake_case columns, ISO-8601 timestamps, never a secret
 * (no `password_hash`, `verification_code`, `verification_attempts` or `token_version`).
 */
export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  user_type: userTypeSchema,
  status: userStatusSchema,
  name: z.string().nullable(),
  username: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  zip_code: z.string().nullable(),
  country: z.string().nullable(),
  business_site: z.string().nullable(),
  additional_websites: z.array(z.string()),
  business_type: z.string().nullable(),
  lead_status: leadStatusSchema.nullable(),
  notes: z.string().nullable(),
  is_super_admin: z.boolean(),
  is_authenticated: z.boolean(),
  email_verified: z.boolean(),
  verification_expires: isoDate.nullable(),
  credits: z.number().int(),
  created_at: isoDate,
  updated_at: isoDate,
  last_login: isoDate.nullable(),
  version: z.number().int(),
});

export type User = z.infer<typeof userSchema>;
export type RegisterInput = z.input<typeof registerSchema>;
export type SelfUpdateInput = z.input<typeof selfUpdateSchema>;
export type AdminUpdateInput = z.input<typeof adminUpdateSchema>;
export type SuperAdminUpdateInput = z.input<typeof superAdminUpdateSchema>;
/** Any update body: the widest of the per-actor update schemas. */
export type UserUpdateInput = SuperAdminUpdateInput;
export type AdminCreateInput = z.input<typeof adminCreateSchema>;
export type SuperAdminCreateInput = z.input<typeof superAdminCreateSchema>;
/** Any create body. */
export type UserCreateInput = SuperAdminCreateInput;
export type SelfPasswordChangeInput = z.input<typeof selfPasswordChangeSchema>;
export type AdminPasswordSetInput = z.input<typeof adminPasswordSetSchema>;
export type PasswordChangeInput = SelfPasswordChangeInput | AdminPasswordSetInput;
export type LoginInput = z.input<typeof loginSchema>;
export type VerifyEmailInput = z.input<typeof verifyEmailSchema>;
export type ResendVerificationInput = z.input<typeof resendVerificationSchema>;
