/**
 * The list query of GET /api/users (docs/api.md#admin-collection-routes): search, filters, sort whitelist, keyset cursor.
 */
import * as z from 'zod';
import { storableText } from './storable-text';
import { leadStatusSchema, userStatusSchema, userTypeSchema } from './user-schema';

export const sortKeys = ['created_at', 'updated_at', 'last_login', 'name', 'email', 'credits'] as const;
export type SortKey = (typeof sortKeys)[number];
export const sortValues = [...sortKeys, ...sortKeys.map((k) => `-${k}` as const)] as const;

const booleanParam = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')], { error: 'Use true or false' });

const dateParam = z
  .union([z.iso.datetime({ offset: true, local: false }), z.iso.date()], { error: 'Use an ISO-8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T00:00:00Z' })
  .transform((v) => new Date(v))
  // PostgreSQL knows years 1 to 294276; JavaScript and zod also accept year 0.
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, { error: 'Use a date between the years 1 and 9999' });

/** Query of the user list and export. Unknown parameters are rejected. */
/** The `cursor` and `limit` parameters of every paged route: at most 100 per page, 20 by default. */
export const pageParams = {
  cursor: z.string().max(1000, { error: 'Invalid cursor' }).optional(),
  limit: z.coerce
    .number<string | number>({ error: 'Limit must be a number' })
    .int({ error: 'Limit must be a whole number' })
    .min(1, { error: 'Limit must be between 1 and 100' })
    .max(100, { error: 'Limit must be between 1 and 100' })
    .default(20),
};

/** Options of a query-string schema: an unknown parameter is named in the error. */
export const strictParams = { error: (issue: { code?: string; keys?: readonly string[] }) => (issue.code === 'unrecognized_keys' ? `Unknown parameter: ${(issue.keys ?? []).join(', ')}` : undefined) };

export const listUsersQuerySchema = z.strictObject(
  {
    q: z
      .string()
      .trim()
      .max(200, { error: 'Search text must be at most 200 characters' })
      .regex(storableText, { error: 'Search text must not contain NUL characters or broken Unicode' })
      // Refused: U+001F separates the fields in the search index, and nobody searches for control characters.
      // eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
      .regex(/^[^\x00-\x1f\x7f]*$/, { error: 'Search text must not contain control characters' })
      .optional(),
    user_type: userTypeSchema.optional(),
    status: userStatusSchema.optional(),
    lead_status: leadStatusSchema.optional(),
    email_verified: booleanParam.optional(),
    created_after: dateParam.optional(),
    created_before: dateParam.optional(),
    sort: z.enum(sortValues, { error: `Sort must be one of ${sortKeys.join(', ')}, optionally prefixed with -` }).default('-created_at'),
    ...pageParams,
  },
  strictParams,
);

export type ListUsersQueryInput = z.input<typeof listUsersQuerySchema>;
export type ListUsersQuery = z.output<typeof listUsersQuerySchema>;

/** One page of a keyset-paginated list. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** A page of users with the total that matches the filters. */
export interface UserPage<T> extends Page<T> {
  /** How many live users match, counted up to the cap: `min(matches, totalCap)`. */
  total: number;
  /** True when more users match than `total` says (the count stopped at the cap). */
  total_capped: boolean;
}

/**
 * How many matches a list counts by default before it stops and reports `total_capped`: enough
 * for any screen of results, and it keeps a list over a million users as fast as a page read.
 */
export const defaultListTotalCap = 1000;

/** How a repository answers a list. */
export interface ListOptions {
  /** Count matches up to this many (default {@link defaultListTotalCap}; `Infinity` for an exact count). */
  totalCap?: number;
  /**
   * The matches as counted for the first page of this listing (a later page's cursor carries
   * them): the repository need not count again, and may use it to choose how to read the page.
   */
  knownTotal?: { total: number; capped: boolean } | undefined;
}
