/**
 * The SQL of the user list: how each sort key orders and compares a cursor, and the list filters
 * as one WHERE expression. Used by {@link KyselyUserRepository}'s list and export scans.
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import { UserkitError, type ListUsersQuery, type SortKey } from '@userkit/core';
import type { CursorValue } from '@userkit/core/server';
import type { Database } from './database';
export type ListFilters = Omit<ListUsersQuery, 'cursor' | 'limit'>;

/** How the list orders by one sort key, and how a cursor carries the key as JSON. */
export interface SortSpec {
  /** The ORDER BY expression; nullable columns are coalesced so keyset comparison works. */
  key: RawBuilder<unknown>;
  /** The key as the cursor stores it: exact (timestamps as ISO text with microseconds). */
  value: RawBuilder<CursorValue>;
  kind: 'timestamp' | 'text' | 'integer';
}

const timestampSort = (key: RawBuilder<unknown>): SortSpec => ({
  key,
  value: sql<string>`to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  kind: 'timestamp',
});

export const sortSpecs: Record<SortKey, SortSpec> = {
  created_at: timestampSort(sql`created_at`),
  updated_at: timestampSort(sql`updated_at`),
  last_login: timestampSort(sql`coalesce(last_login, timestamptz 'epoch')`),
  name: { key: sql`lower(coalesce(name, '')) collate "C"`, value: sql<string>`lower(coalesce(name, ''))`, kind: 'text' },
  email: { key: sql`email collate "C"`, value: sql<string>`email`, kind: 'text' },
  credits: { key: sql`credits`, value: sql<number>`credits`, kind: 'integer' },
};

const isoMicros = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The cursor's key as an SQL value, or VALIDATION_ERROR for a forged one. */
/** A timestamp PostgreSQL accepts: a real calendar date (no Feb 30) in years 0001..9999. */
function isRealInstant(value: string): boolean {
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) return false;
  const date = new Date(millis);
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 && date.toISOString().slice(0, 10) === value.slice(0, 10);
}

export function cursorKey(spec: SortSpec, value: CursorValue): RawBuilder<unknown> {
  if (spec.kind === 'integer' && Number.isInteger(value)) return sql`${value}`;
  if (spec.kind === 'text' && typeof value === 'string') return sql`${value}`;
  if (spec.kind === 'timestamp' && typeof value === 'string' && isoMicros.test(value) && isRealInstant(value)) {
    return sql`cast(${value} as timestamptz)`;
  }
  throw new UserkitError('VALIDATION_ERROR', {
    detail: 'The cursor is invalid or belongs to another sort order',
    errors: [{ path: 'cursor', message: 'Invalid cursor', code: 'invalid_cursor' }],
  });
}

/** The list filters (docs/api.md#admin-collection-routes), live users only; the cursor is not part of them. */
export function filters(eb: ExpressionBuilder<Database, 'users'>, query: ListFilters): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('deleted_at', 'is', null)];
  if (query.user_type !== undefined) conditions.push(eb('user_type', '=', query.user_type));
  if (query.status !== undefined) conditions.push(eb('status', '=', query.status));
  if (query.lead_status !== undefined) conditions.push(eb('lead_status', '=', query.lead_status));
  if (query.email_verified !== undefined) conditions.push(eb('email_verified', '=', query.email_verified));
  if (query.created_after !== undefined) conditions.push(eb('created_at', '>=', query.created_after));
  if (query.created_before !== undefined) conditions.push(eb('created_at', '<', query.created_before));
  if (query.q) {
    // One generated, lower-cased column holds the searchable fields (migration 3): one LIKE (far
    // cheaper per row than ILIKE), one trigram index. lower() here folds case as the column did.
    conditions.push(sql<SqlBool>`search_text like lower(${`%${query.q.replace(/[\\%_]/g, '\\$&')}%`})`);
  }
  return eb.and(conditions);
}

