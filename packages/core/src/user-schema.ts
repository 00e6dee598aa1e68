/**
 * zod schemas for user bodies and the wire form, and the types inferred from them. The field
 * schemas come from the column table (`user-columns.ts`); which fields a body may carry comes
 * from the role policy's `writableGroups`, so a column or a right is declared once.
 */
import * as z from 'zod';
import { columnsOf, fieldGroup, inputShapeOf, wireShape, type FieldGroup, type GroupColumn } from './user-columns';
import { emailSchema, passwordSchema } from './user-field-schemas';
import { creatableGroups, writableGroups, type Relation } from './role-policy';

export {
  emailSchema,
  leadStatusSchema,
  leadStatuses,
  passwordSchema,
  phoneSchema,
  userStatusSchema,
  userStatuses,
  userTypeSchema,
  userTypes,
  usernameSchema,
  type LeadStatus,
  type UserStatus,
  type UserType,
} from './user-field-schemas';
export { fieldGroup, type FieldGroup };

export type ProfileField = GroupColumn<'profile'>;
export type CrmField = GroupColumn<'crm'>;
export type AccountField = GroupColumn<'account'>;
export type RoleField = GroupColumn<'role'>;
export type WritableField = ProfileField | CrmField | AccountField | RoleField;

/** Field groups, as lists of columns (derived from the column table). */
export const profileFields = columnsOf('profile') as ProfileField[];
export const crmFields = columnsOf('crm') as CrmField[];
export const accountFields = columnsOf('account') as AccountField[];
export const roleFields = columnsOf('role') as RoleField[];
export const creditFields = columnsOf('credits');
export const systemFields = columnsOf('system');

/** The options of every strict body schema: unknown fields are named in one message. */
export const strict = { error: (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `Unknown field${issue.keys && issue.keys.length > 1 ? 's' : ''}: ${(issue.keys ?? []).join(', ')}` : undefined };

/** Registration by anyone: creates a pending customer with the fields a user writes on itself. */
export const registerSchema = z.strictObject(
  { ...inputShapeOf(writableGroups['customer-self']), email: emailSchema, password: passwordSchema },
  strict,
);
export type RegisterInput = z.input<typeof registerSchema>;

/** Update of the caller's own profile (customer or plain admin on self). */
export const selfUpdateSchema = z.strictObject(inputShapeOf(writableGroups['customer-self']), strict);
export type SelfUpdateInput = z.input<typeof selfUpdateSchema>;
/** Update of a customer by an admin. */
export const adminUpdateSchema = z.strictObject(inputShapeOf(writableGroups['admin-customer']), strict);
export type AdminUpdateInput = z.input<typeof adminUpdateSchema>;
/** Update of anyone by a super admin. */
export const superAdminUpdateSchema = z.strictObject(inputShapeOf(writableGroups['super-other']), strict);
export type SuperAdminUpdateInput = z.input<typeof superAdminUpdateSchema>;
/** Any update body: the widest of the per-actor update schemas. */
export type UserUpdateInput = SuperAdminUpdateInput;
/** The parsed fields of any write body: whatever the widest schema may carry. */
export type UserChangeFields = z.output<typeof superAdminUpdateSchema>;

/** Creation of a customer by an admin. */
export const adminCreateSchema = z.strictObject({ ...inputShapeOf(creatableGroups.admin), email: emailSchema, password: passwordSchema }, strict);
export type AdminCreateInput = z.input<typeof adminCreateSchema>;
/** Creation of any user by a super admin. */
export const superAdminCreateSchema = z.strictObject({ ...inputShapeOf(creatableGroups.super), email: emailSchema, password: passwordSchema }, strict);
export type SuperAdminCreateInput = z.input<typeof superAdminCreateSchema>;
/** Any create body. */
export type UserCreateInput = SuperAdminCreateInput;

const updateSchemas = new Map<Relation, z.ZodType<UserChangeFields>>();

/** The update body schema of a relation: exactly the fields of its writable groups. */
export function updateSchemaFor(relation: Relation): z.ZodType<UserChangeFields> {
  let schema = updateSchemas.get(relation);
  if (!schema) {
    schema = z.strictObject(inputShapeOf(writableGroups[relation]), strict);
    updateSchemas.set(relation, schema);
  }
  return schema;
}

/** The create body schema of an actor: a super admin also sets the role fields. */
export function createSchemaFor(actor: { is_super_admin: boolean }): typeof adminCreateSchema | typeof superAdminCreateSchema {
  return actor.is_super_admin ? superAdminCreateSchema : adminCreateSchema;
}

/** Self password change: the current password is required. */
export const selfPasswordChangeSchema = z.strictObject(
  {
    current_password: z.string({ error: 'Current password is required' }).min(1, { error: 'Current password is required' }).max(4096),
    new_password: passwordSchema,
  },
  strict,
);
export type SelfPasswordChangeInput = z.input<typeof selfPasswordChangeSchema>;
/** Password set by an admin on someone else. */
export const adminPasswordSetSchema = z.strictObject({ new_password: passwordSchema }, strict);
export type AdminPasswordSetInput = z.input<typeof adminPasswordSetSchema>;
export type PasswordChangeInput = SelfPasswordChangeInput | AdminPasswordSetInput;

export const loginSchema = z.strictObject({ email: emailSchema, password: passwordSchema }, strict);
export type LoginInput = z.input<typeof loginSchema>;
export const verifyEmailSchema = z.strictObject(
  { email: emailSchema, code: z.string({ error: 'Code is required' }).trim().regex(/^\d{6}$/, { error: 'The code has 6 digits' }) },
  strict,
);
export type VerifyEmailInput = z.input<typeof verifyEmailSchema>;
export const resendVerificationSchema = z.strictObject({ email: emailSchema }, strict);
export type ResendVerificationInput = z.input<typeof resendVerificationSchema>;

/**
 * A user as sent on the wire: snake_case columns, ISO-8601 timestamps, never a secret (no
 * `password_hash`, `verification_code`, `verification_attempts` or `token_version`).
 */
export const userSchema = z.object(wireShape());
export type User = z.infer<typeof userSchema>;
