/**
 * The `users` columns, each declared once: its stored type, its wire type (public columns only),
 * its input schema (writable columns only), its field group, whether an export writes it and an
 * import reads it, and how a new row gets it. The record type, `toPublicUser`, the body schemas,
 * the export and import columns, the role policy's field groups and the repositories' column
 * lists are all derived from this table. Adding a column is one entry here and one migration;
 * `user-columns.test.ts` and the kysely tests fail when a derived list or the database disagrees.
 */
import * as z from 'zod';
import {
  emailSchema,
  isoDateSchema,
  leadStatusSchema,
  phoneSchema,
  textSchema,
  userStatusSchema,
  userTypeSchema,
  usernameSchema,
  webUrlSchema,
} from './user-field-schemas';

/** Field groups: who may write a column (see `writableGroups` in `role-policy.ts`). */
export type FieldGroup = 'profile' | 'crm' | 'account' | 'role' | 'credits' | 'system';

/**
 * How a new row gets the column. `required`: the caller gives it. `optional`: the caller may give
 * it, else `initial`. `fixed`: always `initial` (or the generated id), whatever the caller says.
 */
export type InsertRule = 'required' | 'optional' | 'fixed';

/** One column of the table. */
export interface ColumnSpec {
  /** The value as stored (timestamps as `Date`). */
  record: z.ZodType;
  /** The value on the wire; absent for columns that never leave the server. */
  wire?: z.ZodType;
  /** Never sent, never logged in the activity diff. */
  secret?: true;
  /** The schema of a body field that sets it (optional, and nullable where the column is). */
  input?: z.ZodType;
  group: FieldGroup;
  /** A CSV export column. */
  exported?: true;
  /** A field an import row may carry. */
  importable?: true;
  insert: InsertRule;
  /** The value of a new row that does not set it (the migration's DEFAULT). */
  initial?: (now: Date) => unknown;
  /** Whether a repository `update` may change it (credits change only through the ledger). */
  patchable: boolean;
}

const nullableText = (label: string, max: number) => textSchema(label, max).nullable().optional();
const same = <S extends z.ZodType>(schema: S) => ({ record: schema, wire: schema });
const timestamp = { record: z.date(), wire: isoDateSchema };
const nullableTimestamp = { record: z.date().nullable(), wire: isoDateSchema.nullable() };
const nullableString = same(z.string().nullable());
const toNull = () => null;
const toNow = (now: Date) => new Date(now);

/** A profile text column: public, exported, importable, NULL by default. */
const profileText = (label: string, max: number) =>
  ({ ...nullableString, input: nullableText(label, max), group: 'profile', exported: true, importable: true, insert: 'optional', initial: toNull, patchable: true }) as const;

/** A true/false column of `group` that a body may set: public, exported, importable, false by default. */
const flag = <const G extends FieldGroup>(label: string, group: G) =>
  ({
    ...same(z.boolean()),
    input: z.boolean({ error: `${label} must be true or false` }).optional(),
    group,
    exported: true,
    importable: true,
    insert: 'optional',
    initial: () => false,
    patchable: true,
  }) as const;

/** The table, in the database's column order (which is also the wire and export order). */
export const userColumns = {
  id: { ...same(z.number().int()), group: 'system', exported: true, insert: 'fixed', patchable: false },
  /** Stored trimmed and lower-cased; unique on `lower(email)`. */
  email: { ...same(z.string()), input: emailSchema.optional(), group: 'profile', exported: true, importable: true, insert: 'required', patchable: true },
  password_hash: { record: z.string(), secret: true, group: 'system', insert: 'required', patchable: true },
  user_type: { ...same(userTypeSchema), input: userTypeSchema.optional(), group: 'role', exported: true, importable: true, insert: 'required', patchable: true },
  status: { ...same(userStatusSchema), input: userStatusSchema.optional(), group: 'account', exported: true, importable: true, insert: 'required', patchable: true },
  name: profileText('Name', 200),
  /** Unique on `lower(username)` when set. */
  username: { ...nullableString, input: usernameSchema.nullable().optional(), group: 'profile', exported: true, importable: true, insert: 'optional', initial: toNull, patchable: true },
  phone: { ...nullableString, input: phoneSchema.nullable().optional(), group: 'profile', exported: true, importable: true, insert: 'optional', initial: toNull, patchable: true },
  address: profileText('Address', 500),
  city: profileText('City', 100),
  state: profileText('State', 100),
  zip_code: profileText('ZIP code', 20),
  country: profileText('Country', 100),
  business_site: { ...nullableString, input: webUrlSchema('Business site').nullable().optional(), group: 'profile', exported: true, importable: true, insert: 'optional', initial: toNull, patchable: true },
  additional_websites: {
    ...same(z.array(z.string())),
    input: z
      .array(webUrlSchema('Website'), { error: 'Additional websites must be a list of URLs' })
      .max(20, { error: 'At most 20 additional websites' })
      .optional(),
    group: 'profile',
    exported: true,
    importable: true,
    insert: 'optional',
    initial: () => [],
    patchable: true,
  },
  business_type: profileText('Business type', 100),
  /** Customers only. */
  lead_status: { ...same(leadStatusSchema.nullable()), input: leadStatusSchema.nullable().optional(), group: 'crm', exported: true, importable: true, insert: 'optional', initial: toNull, patchable: true },
  notes: { ...nullableString, input: nullableText('Notes', 10_000), group: 'crm', exported: true, importable: true, insert: 'optional', initial: toNull, patchable: true },
  /** Admins only. */
  is_super_admin: flag('Super admin', 'role'),
  is_authenticated: { ...same(z.boolean()), group: 'system', exported: true, insert: 'optional', initial: () => false, patchable: true },
  email_verified: flag('Email verified', 'account'),
  /** A hash of the current verification code, never the code. */
  verification_code: { record: z.string().nullable(), secret: true, group: 'system', insert: 'optional', initial: toNull, patchable: true },
  verification_expires: { ...nullableTimestamp, group: 'system', insert: 'optional', initial: toNull, patchable: true },
  /** Never below zero; changed only through the credit ledger. */
  credits: { ...same(z.number().int()), group: 'credits', exported: true, insert: 'fixed', initial: () => 0, patchable: false },
  created_at: { ...timestamp, group: 'system', exported: true, insert: 'optional', initial: toNow, patchable: false },
  updated_at: { ...timestamp, group: 'system', exported: true, insert: 'optional', initial: toNow, patchable: true },
  last_login: { ...nullableTimestamp, group: 'system', exported: true, insert: 'optional', initial: toNull, patchable: true },
  /** Row version: bumped by every write; the ETag is derived from it. */
  version: { ...same(z.number().int()), group: 'system', insert: 'fixed', initial: () => 1, patchable: false },
  /** Bumped to revoke every token issued before. */
  token_version: { record: z.number().int(), secret: true, group: 'system', insert: 'fixed', initial: () => 0, patchable: true },
  verification_attempts: { record: z.number().int(), secret: true, group: 'system', insert: 'optional', initial: () => 0, patchable: true },
  /**
   * A keyed hash of the current password reset code (migration 4): its own columns, so a
   * verification code never resets a password nor the other way round.
   */
  reset_code: { record: z.string().nullable(), secret: true, group: 'system', insert: 'optional', initial: toNull, patchable: true },
  reset_expires: { record: z.date().nullable(), secret: true, group: 'system', insert: 'optional', initial: toNull, patchable: true },
  reset_attempts: { record: z.number().int(), secret: true, group: 'system', insert: 'optional', initial: () => 0, patchable: true },
  /** Set by soft delete. A deleted user is invisible (never sent) but keeps its email reserved. */
  deleted_at: { record: z.date().nullable(), group: 'system', insert: 'fixed', initial: toNull, patchable: true },
} as const satisfies Record<string, ColumnSpec>;

type Columns = typeof userColumns;
/** The name of a `users` column. */
export type UserColumn = keyof Columns;
/** The columns an import row may set. */
export type ImportableColumn = { [K in UserColumn]: Columns[K] extends { importable: true; input: z.ZodType } ? K : never }[UserColumn];
/** The columns a new row must be given. */
export type RequiredColumn = { [K in UserColumn]: Columns[K]['insert'] extends 'required' ? K : never }[UserColumn];
/** The columns a new row may be given (else they take their initial value). */
export type OptionalColumn = { [K in UserColumn]: Columns[K]['insert'] extends 'optional' ? K : never }[UserColumn];
/** The columns a repository `insert` takes from its input. */
export type InsertableColumn = RequiredColumn | OptionalColumn;
/** The columns a repository `update` may change. */
export type PatchableColumn = { [K in UserColumn]: Columns[K]['patchable'] extends true ? K : never }[UserColumn];
/** The type of the column table, for deriving other declarations (the kysely table type). */
export type UserColumnTable = Columns;
/** The columns with a wire type. */
export type PublicColumn = { [K in UserColumn]: Columns[K] extends { wire: z.ZodType } ? K : never }[UserColumn];
/** The columns of a field group that a body may set. */
export type GroupColumn<G extends FieldGroup> = { [K in UserColumn]: Columns[K] extends { group: G; input: z.ZodType } ? K : never }[UserColumn];
/** The body fields that set the columns of the given groups. */
export type InputShape<G extends FieldGroup> = { [K in GroupColumn<G>]: Columns[K] extends { input: infer S } ? S : never };

const names = Object.keys(userColumns) as UserColumn[];
const where = (test: (spec: ColumnSpec, name: UserColumn) => boolean): UserColumn[] => names.filter((name) => test(userColumns[name], name));

/** Every column, in table order. */
export const userColumnNames: readonly UserColumn[] = names;
/** The columns sent on the wire, in order. */
export const publicColumns = where((spec) => spec.wire !== undefined) as PublicColumn[];
/** Columns that never leave the server. */
export const secretColumns = where((spec) => spec.secret === true);
/** True for a `Date` column, nullable or not. */
const storesDate = (schema: z.ZodType): boolean => (schema instanceof z.ZodNullable ? storesDate(schema.unwrap() as z.ZodType) : schema instanceof z.ZodDate);
/**
 * The timestamp columns, in order: `Date` in a record, ISO-8601 text on the wire and wherever a
 * store hands a row over as JSON (the kysely hot path turns them back into `Date`).
 */
export const timestampColumns = where((spec) => storesDate(spec.record));
/** The CSV export columns, in order. */
export const exportedColumns = where((spec) => spec.exported === true) as PublicColumn[];
/** The fields an import row may carry (besides its credentials, `password` or `password_hash`). */
export const importableColumns = where((spec) => spec.importable === true);
/**
 * Public columns an import ignores, by name: an export writes them, the system sets them (`id`,
 * `is_authenticated`, `created_at`, `updated_at`, `last_login`, `version`). `credits` is not among
 * them: an import sets the balance through the ledger (docs/decisions.md, "Import columns").
 */
export const ignoredOnImport = publicColumns.filter((name) => !importableColumns.includes(name) && userColumns[name].group !== 'credits');
/** The columns a repository `insert` takes from its input (the others start at `initial`). */
export const insertableColumns = where((spec) => spec.insert !== 'fixed') as InsertableColumn[];
/** The columns a repository `update` may change. */
export const patchableColumns = where((spec) => spec.patchable) as PatchableColumn[];

/** The columns of a group, in table order. */
export function columnsOf(group: FieldGroup): UserColumn[] {
  return where((spec) => spec.group === group);
}

/** Which group each column belongs to (a null-prototype map: `constructor` is not a column). */
export const fieldGroup: Readonly<Record<string, FieldGroup | undefined>> = Object.assign(
  Object.create(null) as Record<string, FieldGroup>,
  Object.fromEntries(names.map((name) => [name, userColumns[name].group])),
);

/**
 * The body fields that set the columns of `groups`, for building a body schema.
 *
 * @example
 * ```ts
 * const selfUpdate = z.strictObject(inputShapeOf(['profile']));
 * ```
 */
export function inputShapeOf<const G extends readonly FieldGroup[]>(groups: G): InputShape<G[number]> {
  const shape: Record<string, z.ZodType> = {};
  for (const name of names) {
    const spec: ColumnSpec = userColumns[name];
    if (spec.input !== undefined && groups.includes(spec.group)) shape[name] = spec.input;
  }
  return shape as InputShape<G[number]>;
}

/** The fields of an import row: every importable column, as a body sets it. */
export function importableShape(): { [K in ImportableColumn]: Columns[K] extends { input: infer S } ? S : never } {
  return Object.fromEntries(importableColumns.map((name) => [name, (userColumns[name] as ColumnSpec).input])) as {
    [K in ImportableColumn]: Columns[K] extends { input: infer S } ? S : never;
  };
}

/** The wire schema's shape: every public column. */
export function wireShape(): { [K in PublicColumn]: Columns[K]['wire'] } {
  return Object.fromEntries(publicColumns.map((name) => [name, userColumns[name].wire])) as { [K in PublicColumn]: Columns[K]['wire'] };
}
