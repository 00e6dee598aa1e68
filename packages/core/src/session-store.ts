/**
 * The session port (docs/sessions.md). A session is a family of refresh tokens: signing in starts
 * one (its first token's row id is the family id, the `sid` of its access tokens), every refresh
 * replaces the family's head token by a new row, and the old row stays, marked `replaced_by`, so
 * a replayed old token is recognised as reuse and ends the family. Implementations:
 * `MemorySessionStore` here (also what `MemoryUserRepository#sessions` gives, sharing its
 * transactions) and `KyselySessionStore` in `@userkit/kysely`; all run
 * `packages/core/src/testing/session-store.case.ts`.
 */

/** One refresh token of a session (a row of `user_sessions`). */
export interface SessionRecord {
  /** Random, opaque: the row id. The family's first row has `id === family_id`. */
  id: string;
  user_id: number;
  /** The session: every token of one sign-in shares it. */
  family_id: string;
  /** SHA-256 (hex) of the refresh token; the token itself is never stored. */
  token_hash: string;
  /** When the session (the family) began; copied from row to row on rotation. */
  created_at: Date;
  last_used_at: Date;
  /** The token is refused from then on. */
  expires_at: Date;
  user_agent: string | null;
  /** The client address at sign-in (or at the last refresh). */
  ip: string | null;
  /** Set when the session was ended (logout, reuse, password change…): the whole family carries it. */
  revoked_at: Date | null;
  /** Set when this token was rotated: the id of the row that replaced it. */
  replaced_by: string | null;
}

/** A new row: nothing ended, nothing replaced. */
export type NewSessionRecord = Omit<SessionRecord, 'revoked_at' | 'replaced_by'>;

/**
 * Stores sessions. Every method either completes or throws (`UserkitError('SERVICE_UNAVAILABLE')`
 * for an unreachable store); none leaves a partial write. A store handed out by a repository's
 * transaction (`tx.sessions`) takes part in that transaction.
 *
 * "Live" below means: not revoked, not replaced, and `expires_at` after `now`.
 */
export interface SessionStore {
  /** Inserts a row as given; resolves with it. Ids are unique (a duplicate rejects). */
  insert(session: NewSessionRecord): Promise<SessionRecord>;

  /**
   * The row whose `token_hash` is this (live or not: callers tell rotation reuse from an unknown
   * token by it), or undefined. With `lock`, the row stays locked until the transaction ends.
   */
  findByTokenHash(tokenHash: string, options?: { lock?: boolean }): Promise<SessionRecord | undefined>;

  /**
   * Replaces the head `id` by `next` (same family) atomically: resolves with the new row when `id`
   * was still live and unreplaced, and marks `id` replaced with `last_used_at = now`; resolves
   * with undefined (writing nothing) when another rotation or a revocation got there first.
   */
  rotate(id: string, next: NewSessionRecord, now: Date): Promise<SessionRecord | undefined>;

  /** Whether user `userId` has session (family) `familyId` live at `now`. */
  isLive(userId: number, familyId: string, now: Date): Promise<boolean>;

  /** The live head row of each of the user's sessions, newest first (by `created_at`). */
  listLive(userId: number, now: Date): Promise<SessionRecord[]>;

  /** Ends one session (every row of the family); resolves with whether a live one was ended. */
  revokeFamily(userId: number, familyId: string, now: Date): Promise<boolean>;

  /** Ends every session of the user; resolves with how many rows it marked. */
  revokeAll(userId: number, now: Date): Promise<number>;

  /**
   * Deletes at most `limit` rows that expired before `now` (revoked or not: an expired token is
   * refused whatever it was); resolves with how many. Bounded, so it may run on a request path.
   */
  pruneExpired(now: Date, limit: number): Promise<number>;
}
