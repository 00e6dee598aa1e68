/**
 * Opaque keyset cursors: base64url JSON of `[sort, value, id]`. Every repository encodes and
 * decodes them here, so a cursor from one page is only accepted with the same sort.
 */
import { UserkitError } from './errors';
import { isStorableText } from './storable-text';

export type CursorValue = string | number | null;

/** Encodes the position after a row. */
export function encodeCursor(sort: string, value: CursorValue, id: number): string {
  const json = JSON.stringify([sort, value, id]);
  return btoa(String.fromCharCode(...new TextEncoder().encode(json))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes a cursor made by {@link encodeCursor} for the same sort, or throws VALIDATION_ERROR. */
export function decodeCursor(cursor: string, sort: string): { value: CursorValue; id: number } {
  try {
    const b64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    // Only positions a page could have made: ids and numeric keys within PostgreSQL's integer range.
    const int4 = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= -2_147_483_648 && (n as number) <= 2_147_483_647;
    if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === sort && int4(parsed[2]) && parsed[2] > 0) {
      const value = parsed[1] as unknown;
      if (value === null || (typeof value === 'string' && value.length <= 1000 && isStorableText(value)) || int4(value)) return { value, id: parsed[2] as number };
    }
  } catch {
    // fall through
  }
  throw invalidCursor();
}

function invalidCursor(): UserkitError {
  return new UserkitError('VALIDATION_ERROR', {
    detail: 'The cursor is invalid or belongs to another sort order',
    errors: [{ path: 'cursor', message: 'Invalid cursor', code: 'invalid_cursor' }],
  });
}

/** A list cursor of the service: the repository's cursor and the total counted for the first page. */
export interface ListCursor {
  cursor: string;
  total: number;
  capped: boolean;
}

/**
 * Wraps a repository's list cursor with the first page's total, so later pages need not count
 * again (docs/api.md#admin-collection-routes).
 */
export function encodeListCursor(value: ListCursor): string {
  return encodeCursor('list', value.cursor, value.total * 2 + (value.capped ? 1 : 0) + 1);
}

/** Unwraps a cursor made by {@link encodeListCursor}, or throws VALIDATION_ERROR. */
export function decodeListCursor(cursor: string): ListCursor {
  const { value, id } = decodeCursor(cursor, 'list');
  if (typeof value !== 'string') throw invalidCursor();
  const packed = id - 1;
  return { cursor: value, total: Math.floor(packed / 2), capped: packed % 2 === 1 };
}
