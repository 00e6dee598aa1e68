/**
 * ETags of users: a strong tag over id and row version, and If-Match matching (RFC 9110).
 */

/** The ETag of a user version, e.g. `"12.3"`. */
export function userEtag(user: { id: number; version: number }): string {
  return `"${user.id}.${user.version}"`;
}

/**
 * The version an `If-Match` header asks for on user `id`: `undefined` for no header or `*`,
 * `-1` when no listed tag belongs to this user (never matches).
 */
export function expectedVersionFromIfMatch(header: string | null | undefined, id: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  for (const raw of header.split(',')) {
    const match = /^\s*"(\d+)\.(\d+)"\s*$/.exec(raw);
    if (match && Number(match[1]) === id) return Number(match[2]);
  }
  return -1;
}
