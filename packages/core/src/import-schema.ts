/**
 * Schemas and limits of the user import (browser-safe; the parser lives in `user-import.ts`).
 */
import * as z from 'zod';
import { bcryptCost, bcryptHashPattern, defaultBcryptCosts, isBcryptHash, type BcryptCostRange } from './bcrypt-hash';
import { ignoredOnImport, importableShape } from './user-columns';
import { emailSchema, passwordSchema } from './user-field-schemas';
import { strict } from './user-schema';

export const importContentTypes = ['text/csv', 'application/x-ndjson'] as const;
export type ImportContentType = (typeof importContentTypes)[number];

const anyCost = { min: 0, max: 99 };

const booleanParam = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'Use true or false' });

/** The import query. */
export const importQuerySchema = z.strictObject(
  {
    dry_run: booleanParam.default(false),
    on_conflict: z.enum(['error', 'skip', 'update'], { error: 'on_conflict must be error, skip or update' }).default('error'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown parameter: ${issue.keys.join(', ')}` : undefined) },
);
export type ImportQueryInput = z.input<typeof importQuerySchema>;
export type ImportQuery = z.output<typeof importQuerySchema>;

/**
 * One row: the importable columns of the column table, `email` required, with `password` (hashed
 * here) or an existing bcrypt `password_hash` of a cost in `costs` (the import uses the range of
 * the configured hasher). Who may set which of them is the policy's call.
 */
export function importRowSchemaFor(costs: BcryptCostRange) {
  return z
  .strictObject(
    {
      ...importableShape(),
      email: emailSchema,
      password: passwordSchema.optional(),
      password_hash: z
        .string({ error: 'password_hash must be text' })
        .regex(bcryptHashPattern, { error: 'password_hash must be a bcrypt hash (versions 2a, 2b or 2y)' })
        // A cost past the range would let one anonymous sign-in hold a hashing worker for hours.
        // (Each check passes what an earlier one already reports, so a row gets one message.)
        .refine((hash) => {
          const cost = bcryptCost(hash);
          return cost === undefined || (cost >= costs.min && cost <= costs.max);
        }, { error: `password_hash must have a bcrypt cost from ${costs.min} to ${costs.max}` })
        .refine((hash) => bcryptCost(hash) === undefined || isBcryptHash(hash, anyCost), { error: 'password_hash is not a bcrypt hash: its salt or digest is malformed' })
        .optional(),
    },
    strict,
  )
  .refine((row) => !(row.password !== undefined && row.password_hash !== undefined), { error: 'Give password or password_hash, not both', path: ['password'] });
}

/** An import row with the default cost range (10 to 16); see {@link importRowSchemaFor}. */
export const importRowSchema = importRowSchemaFor(defaultBcryptCosts);
export type ImportRow = z.output<typeof importRowSchema>;

/** The answer of an import. */
export const importResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  dry_run: z.boolean(),
  errors: z.array(z.object({ row: z.number().int(), path: z.string(), message: z.string(), code: z.string() })),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** Limits of one import. */
export interface ImportLimits {
  /** Largest body in bytes. Default 64 MiB. */
  maxBytes: number;
  /** Most data rows. Default 200 000. */
  maxRows: number;
  /** Most row errors reported (the import is refused either way). Default 1 000. */
  maxErrors: number;
}

export const defaultImportLimits: ImportLimits = { maxBytes: 64 * 1024 * 1024, maxRows: 200_000, maxErrors: 1000 };

/** Columns an export writes that an import ignores (they are the system's to set). */
export const exportOnlyColumns: ReadonlySet<string> = new Set(ignoredOnImport);

