/**
 * Authentication port and the default bearer-token authenticator (docs/security.md#tokens): the
 * user, and the state of the session its token names, are loaded on every request (one query), so
 * suspension, deletion, role and password changes, and logouts take effect at once.
 */
import { UserkitError } from './errors';
import type { JwtTokens, TokenClaims } from './jwt-tokens';
import type { UserRecord } from './user-record';

/** What an authenticator sees of a request. */
export interface AuthRequest {
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
}

/**
 * Decides who calls. Apps with their own auth implement this.
 * Returns the caller, `undefined` when the request carries no credentials, or throws
 * UNAUTHENTICATED when it carries bad ones.
 */
export interface Authenticator {
  authenticate(request: AuthRequest): Promise<UserRecord | undefined>;
  /**
   * Optional: {@link authenticate}, loading another user (the target of a read) in the same round
   * trip. `other` is null when that user is missing or deleted, undefined when it was not loaded.
   * Routes whose operation reads the user of the path's id use it when present.
   */
  authenticateWith?(request: AuthRequest, otherId: number): Promise<{ actor: UserRecord | undefined; other: UserRecord | null | undefined }>;
}

/**
 * Loads the caller (e.g. `UserService.findActor`). With `sessionId` (the token's `sid`), it throws
 * UNAUTHENTICATED when that session is not live.
 */
export type LoadActor = (id: number, sessionId?: string) => Promise<UserRecord | undefined>;

/** Loads the caller and another user together (e.g. `UserService.findActorWith`); `sessionId` as for {@link LoadActor}. */
export type LoadActorWith = (actorId: number, otherId: number, sessionId?: string) => Promise<{ actor: UserRecord | undefined; other: UserRecord | null }>;

/** The session each authenticated actor record came with (records are fresh per request). */
const sessions = new WeakMap<UserRecord, string>();

/**
 * The session (`sid`) of the access token `actor` was authenticated with by a
 * {@link BearerAuthenticator}, or undefined (a token without one, another authenticator).
 */
export function sessionIdOf(actor: UserRecord | undefined): string | undefined {
  return actor ? sessions.get(actor) : undefined;
}

/** Throws UNAUTHENTICATED unless the user may act now (live, not inactive or suspended). */
export function assertActive(user: UserRecord | undefined): asserts user is UserRecord {
  if (!user || user.deleted_at !== null) throw new UserkitError('UNAUTHENTICATED', { detail: 'The account no longer exists' });
  if (user.status === 'suspended' || user.status === 'inactive') throw new UserkitError('UNAUTHENTICATED', { detail: `The account is ${user.status}` });
}

/**
 * Reads `Authorization: Bearer <jwt>` (never cookies or query strings), verifies it and loads the user.
 *
 * @example
 * ```ts
 * const authenticator = new BearerAuthenticator(tokens, (id) => repository.findById(id));
 * ```
 */
export class BearerAuthenticator implements Authenticator {
  readonly #tokens: JwtTokens;
  readonly #load: LoadActor;
  readonly #loadWith: LoadActorWith | undefined;

  /** `loadWith`, if given, serves {@link authenticateWith} in one round trip. */
  constructor(tokens: JwtTokens, load: LoadActor, loadWith?: LoadActorWith) {
    this.#tokens = tokens;
    this.#load = load;
    this.#loadWith = loadWith;
  }

  async authenticate(request: AuthRequest): Promise<UserRecord | undefined> {
    const claims = await this.#claims(request);
    return claims && this.#checked(await this.#load(claims.userId, claims.sessionId), claims);
  }

  async authenticateWith(request: AuthRequest, otherId: number): Promise<{ actor: UserRecord | undefined; other: UserRecord | null | undefined }> {
    const claims = await this.#claims(request);
    if (!claims) return { actor: undefined, other: undefined };
    if (!this.#loadWith) return { actor: this.#checked(await this.#load(claims.userId, claims.sessionId), claims), other: undefined };
    const { actor, other } = await this.#loadWith(claims.userId, otherId, claims.sessionId);
    return { actor: this.#checked(actor, claims), other };
  }

  async #claims(request: AuthRequest): Promise<TokenClaims | undefined> {
    const header = request.header('authorization');
    if (header === undefined || header.trim() === '') return undefined;
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
    if (!match?.[1]) throw new UserkitError('UNAUTHENTICATED', { detail: 'Use an Authorization: Bearer token' });
    return this.#tokens.verify(match[1]);
  }

  #checked(user: UserRecord | undefined, claims: TokenClaims): UserRecord {
    assertActive(user);
    if (user.token_version !== claims.tokenVersion) throw new UserkitError('UNAUTHENTICATED', { detail: 'The token has been revoked' });
    if (claims.sessionId !== undefined) sessions.set(user, claims.sessionId);
    return user;
  }
}
