/**
 * Sessions (docs/sessions.md): starting one at sign-in, rotating its refresh token, recognising
 * the reuse of a rotated token (which ends the whole session), ending sessions, listing them, and
 * the per-request lookup of the caller together with its session's state.
 */
import { UserkitError } from '../errors';
import type { Session } from '../session-schema';
import type { NewSessionRecord, SessionRecord } from '../session-store';
import type { UserRecord } from '../user-record';
import type { ServiceContext } from './service-context';
import { authorize } from '../role-policy';
import type { UserRepository } from '../user-repository';
import { loadTarget, type Actor } from './target-access';

/** Where a session is used from: stored for the user's session list. */
export interface SessionMeta {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

/** A started or renewed session: the refresh token is only ever here, never stored. */
export interface SessionGrant {
  /** The session (family) id: the `sid` of its access tokens. */
  sessionId: string;
  refreshToken: string;
  expiresAt: Date;
}

/** Rows of expired sessions deleted per sign-in or refresh: bounded work on the request path. */
const pruneBatch = 100;

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomToken = (bytes: number) => base64url(globalThis.crypto.getRandomValues(new Uint8Array(bytes)));

/**
 * SHA-256 of a refresh token, hex. Unkeyed on purpose: the token is 32 random bytes, so its hash
 * cannot be searched back, and a lookup by hash needs no secret.
 */
export async function hashRefreshToken(token: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const ended = (detail = 'The session has ended; sign in again') => new UserkitError('UNAUTHENTICATED', { detail });

/** Sessions of users. */
export class SessionFlows {
  readonly #ctx: ServiceContext;

  constructor(context: ServiceContext) {
    this.#ctx = context;
  }

  /** A new row of family `familyId` (a new family when undefined) with a fresh token. */
  async #newRow(userId: number, familyId: string | undefined, createdAt: Date, meta: SessionMeta, ttlSeconds: number): Promise<{ row: NewSessionRecord; token: string }> {
    const now = this.#ctx.clock.now();
    const id = randomToken(16);
    const token = randomToken(32);
    const row: NewSessionRecord = {
      id,
      user_id: userId,
      family_id: familyId ?? id,
      token_hash: await hashRefreshToken(token),
      created_at: createdAt,
      last_used_at: now,
      expires_at: new Date(now.getTime() + ttlSeconds * 1000),
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
      ip: meta.ip?.slice(0, 100) ?? null,
    };
    return { row, token };
  }

  /** Starts a session for a user who just proved who they are (login). */
  async start(userId: number, meta: SessionMeta, ttlSeconds: number): Promise<SessionGrant> {
    const now = this.#ctx.clock.now();
    const { row, token } = await this.#newRow(userId, undefined, now, meta, ttlSeconds);
    await this.#ctx.sessions.insert(row);
    await this.#prune(now);
    return { sessionId: row.family_id, refreshToken: token, expiresAt: row.expires_at };
  }

  /**
   * Trades a refresh token for a new one of the same session (rotation). A token that was already
   * rotated is a replay, by whoever holds a copy: the whole session ends (the legitimate holder
   * signs in again). UNAUTHENTICATED for unknown, ended, expired or replayed tokens, and for users
   * who may no longer sign in.
   */
  async refresh(refreshToken: string, meta: SessionMeta, ttlSeconds: number): Promise<{ user: UserRecord; grant: SessionGrant }> {
    const ctx = this.#ctx;
    const tokenHash = await hashRefreshToken(refreshToken);
    const now = ctx.clock.now();
    // Failures are returned, not thrown: the transaction must commit the revocation of a replay.
    const outcome = await ctx.repository.transaction(async (tx): Promise<{ user: UserRecord; grant: SessionGrant } | { failure: UserkitError }> => {
      const store = ctx.sessionsIn(tx);
      const row = await store.findByTokenHash(tokenHash, { lock: true });
      if (!row || row.revoked_at !== null) return { failure: ended() };
      if (row.replaced_by !== null) {
        await store.revokeFamily(row.user_id, row.family_id, now);
        await tx.appendActivity({ user_id: row.user_id, actor_id: null, action: 'session_reuse_detected', changes: null, created_at: now });
        return { failure: ended('This refresh token was already used; the session has ended. Sign in again') };
      }
      if (row.expires_at.getTime() <= now.getTime()) return { failure: ended('The session has expired; sign in again') };
      const user = await tx.findById(row.user_id);
      if (!user || user.deleted_at !== null || user.status === 'suspended' || user.status === 'inactive') {
        await store.revokeFamily(row.user_id, row.family_id, now);
        return { failure: ended('The account may no longer sign in') };
      }
      const { row: next, token } = await this.#newRow(row.user_id, row.family_id, row.created_at, meta, ttlSeconds);
      const rotated = await store.rotate(row.id, next, now);
      if (!rotated) return { failure: ended() };
      return { user, grant: { sessionId: row.family_id, refreshToken: token, expiresAt: next.expires_at } };
    });
    if ('failure' in outcome) throw outcome.failure;
    await this.#prune(now);
    return outcome;
  }

  /** Ends one session of `userId` (logout); resolves with whether it was live. */
  end(userId: number, sessionId: string): Promise<boolean> {
    return this.#ctx.sessions.revokeFamily(userId, sessionId, this.#ctx.clock.now());
  }

  /** Ends the session a refresh token belongs to, if any (logout with the token alone). */
  async endByRefreshToken(refreshToken: string): Promise<void> {
    const row = await this.#ctx.sessions.findByTokenHash(await hashRefreshToken(refreshToken));
    if (row) await this.#ctx.sessions.revokeFamily(row.user_id, row.family_id, this.#ctx.clock.now());
  }

  /** Ends every session of `userId`. */
  async endAll(userId: number): Promise<void> {
    await this.#ctx.sessions.revokeAll(userId, this.#ctx.clock.now());
  }

  /** The live sessions of the actor, `current` marking `currentSessionId`. */
  async listOwn(actor: Actor, currentSessionId: string | undefined): Promise<Session[]> {
    const rows = await this.#ctx.sessions.listLive(actor.id, this.#ctx.clock.now());
    return rows.map((row) => toSession(row, currentSessionId));
  }

  /** Ends one of the actor's own sessions; NOT_FOUND when it is not a live session of theirs. */
  async endOwn(actor: Actor, sessionId: string): Promise<void> {
    if (!(await this.end(actor.id, sessionId))) throw new UserkitError('NOT_FOUND', { detail: 'No such session' });
  }

  /** The live sessions of user `id`, for an admin allowed to change its account fields. */
  async listFor(actor: Actor, id: number): Promise<Session[]> {
    await this.#loadManaged(this.#ctx.repository, actor, id);
    const rows = await this.#ctx.sessions.listLive(id, this.#ctx.clock.now());
    return rows.map((row) => toSession(row, undefined));
  }

  /** Ends every session of user `id`, for an admin allowed to change its account fields. */
  async endAllFor(actor: Actor, id: number): Promise<void> {
    const now = this.#ctx.clock.now();
    await this.#ctx.repository.transaction(async (tx) => {
      await this.#loadManaged(tx, actor, id, true);
      await this.#ctx.sessionsIn(tx).revokeAll(id, now);
      await tx.appendActivity({ user_id: id, actor_id: actor.id, action: 'sessions_ended', changes: null, created_at: now });
    });
  }

  /**
   * The user `id` whose sessions `actor` may see and end: the rule of the `account` fields of the
   * role policy (admins on customers, super admins on anyone). FORBIDDEN otherwise, NOT_FOUND for
   * a missing user (to admins only: customers are refused before any lookup).
   */
  async #loadManaged(repository: UserRepository, actor: Actor, id: number, lock = false): Promise<void> {
    const target = await loadTarget(repository, actor, id, 'read', { lock });
    if (!authorize(actor, 'update', target, ['status']).allow) throw new UserkitError('FORBIDDEN', { detail: 'You may not manage this user’s sessions' });
  }

  /**
   * The caller of a request and, when its token names a session, that session's state, in one
   * round trip where the repository can (`findActor`). UNAUTHENTICATED when the session has ended.
   */
  async findActor(id: number, sessionId: string | undefined, otherId?: number): Promise<{ actor: UserRecord | undefined; other: UserRecord | null | undefined }> {
    const ctx = this.#ctx;
    const repository = ctx.repository;
    const now = ctx.clock.now();
    let result: { actor: UserRecord | undefined; sessionLive: boolean; other: UserRecord | null | undefined };
    if (repository.findActor) {
      result = await repository.findActor({ id, sessionId, otherId, now });
    } else {
      const [rows, sessionLive] = await Promise.all([
        otherId === undefined || otherId === id ? repository.findById(id).then((row) => (row ? [row] : [])) : repository.findByIds([id, otherId]),
        sessionId === undefined ? true : ctx.sessions.isLive(id, sessionId, now),
      ]);
      result = { actor: rows.find((r) => r.id === id), sessionLive, other: otherId === undefined ? undefined : (rows.find((r) => r.id === otherId) ?? null) };
    }
    if (!result.sessionLive && result.actor) throw ended();
    return { actor: result.actor, other: result.other };
  }

  async #prune(now: Date): Promise<void> {
    try {
      await this.#ctx.sessions.pruneExpired(now, pruneBatch);
    } catch (error) {
      // Housekeeping: a failure here must not fail the sign-in it rides on.
      this.#ctx.reportBackgroundError(error);
    }
  }
}

/** A session as sent: never a token or its hash. */
export function toSession(row: SessionRecord, currentSessionId: string | undefined): Session {
  return {
    id: row.family_id,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    user_agent: row.user_agent,
    ip: row.ip,
    current: row.family_id === currentSessionId,
  };
}
