/** Pages of the append-only logs (activity, credits): newest first, cursors carrying only the id. */
import { decodeCursor, encodeCursor } from '@userkit/core/server';
import type { Page } from '@userkit/core';
import { runMapped } from './map-database-error';

/** Which page of a log to read. */
export type PageRequest = { cursor?: string | undefined; limit: number };

/** The id a log page continues below (its cursors carry only the id), or undefined on page one. */
export const beforeId = (page: PageRequest, kind: string) => (page.cursor === undefined ? undefined : decodeCursor(page.cursor, kind).id);

/** A page of log rows fetched newest first, `limit + 1` of them to learn whether more follow. */
export function newestFirstPage<T extends { id: number }>(rows: T[], kind: string, limit: number): Page<T> {
  const items = rows.slice(0, limit).map((row) => ({ ...row, id: Number(row.id) }));
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(kind, null, last.id) : null };
}


/**
 * Reads one page of a log: `fetch` gets the id to continue below (undefined on page one) and how
 * many rows to take, newest first; database errors are mapped.
 */
export function readLogPage<T extends { id: number }>(page: PageRequest, kind: string, fetch: (before: number | undefined, take: number) => Promise<T[]>): Promise<Page<T>> {
  const before = beforeId(page, kind);
  return runMapped(async () => newestFirstPage(await fetch(before, page.limit + 1), kind, page.limit));
}
