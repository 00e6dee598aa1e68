/**
 * Access tokens (docs/security.md#tokens): JWT signed with a pinned algorithm (HS256 by default)
 * carrying `sub`, `tv` (token version), `sid` (the session, docs/sessions.md), `exp`, `iat`, `iss`,
 * `aud`. Verification pins the algorithm, so
 * `alg: none` and algorithm confusion are refused.
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { systemClock, type Clock } from './clock';
import { UserkitError } from './errors';

export interface JwtTokensOptions {
  /** The HMAC secret: at least 32 bytes (256 bits). */
  secret: string | Uint8Array;
  issuer?: string;
  audience?: string;
  /**
   * Access token lifetime in seconds. Default 900 (15 minutes): clients renew them with the
   * session's refresh token (docs/sessions.md).
   */
  ttlSeconds?: number;
  /** Refresh token (session) lifetime in seconds, renewed by every refresh. Default 30 days. */
  refreshTtlSeconds?: number;
  clock?: Clock;
  /**
   * How many verified tokens to remember (default 10 000; 0 turns it off). A token seen before is
   * accepted again without a signature check until its `exp`: the claims of a string jose verified
   * cannot change. The user and the state of the token's session are still loaded on every
   * request (one query), so revocation and logout stay immediate.
   */
  verifiedCacheSize?: number;
}

/** What a verified token says. */
export interface TokenClaims {
  userId: number;
  tokenVersion: number;
  /** The session the token belongs to (`sid`); absent on tokens issued without one. */
  sessionId?: string | undefined;
}

/** An issued token. */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

const algorithm = 'HS256';

/**
 * Issues and verifies access tokens.
 *
 * @example
 * ```ts
 * const tokens = new JwtTokens({ secret: process.env.USERKIT_JWT_SECRET! });
 * const { access_token } = await tokens.issue({ id: 1, token_version: 0 });
 * const claims = await tokens.verify(access_token); // { userId: 1, tokenVersion: 0 }
 * ```
 */
export class JwtTokens {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
  readonly refreshTtlSeconds: number;
  readonly #key: Uint8Array;
  /** The secret imported once as a WebCrypto key (jose imports a Uint8Array anew on every call). */
  #cryptoKey: ReturnType<typeof crypto.subtle.importKey> | undefined;
  readonly #clock: Clock;
  readonly #verified = new Map<string, { claims: TokenClaims; exp: number }>();
  readonly #verifiedCacheSize: number;

  constructor(options: JwtTokensOptions) {
    const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    // A copy made with this realm's Uint8Array: under jsdom, `TextEncoder` (and a caller's bytes)
    // may come from another realm, whose Uint8Array fails jose's `instanceof Uint8Array` check.
    this.#key = new Uint8Array(secret);
    if (this.#key.length < 32) throw new RangeError('The JWT secret must be at least 32 bytes (256 bits)');
    this.issuer = options.issuer ?? 'userkit';
    this.audience = options.audience ?? 'userkit-api';
    this.ttlSeconds = options.ttlSeconds ?? 900;
    this.refreshTtlSeconds = options.refreshTtlSeconds ?? 30 * 24 * 3600;
    this.#clock = options.clock ?? systemClock;
    this.#verifiedCacheSize = options.verifiedCacheSize ?? 10_000;
  }

  /** An access token for `user`; with `sessionId`, it names that session (`sid`) and dies with it. */
  async issue(user: { id: number; token_version: number }, options: { sessionId?: string | undefined } = {}): Promise<IssuedToken> {
    const now = Math.floor(this.#clock.now().getTime() / 1000);
    const claims: Record<string, unknown> = { tv: user.token_version };
    if (options.sessionId !== undefined) claims['sid'] = options.sessionId;
    const access_token = await new SignJWT(claims)
      .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.#key);
    return { access_token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  /** The claims of a valid token, or UNAUTHENTICATED (expired, bad signature, wrong alg/iss/aud, malformed). */
  async verify(token: string): Promise<TokenClaims> {
    const seen = this.#verified.get(token);
    if (seen) {
      if (seen.exp > Math.floor(this.#clock.now().getTime() / 1000)) return seen.claims;
      this.#verified.delete(token);
      throw new UserkitError('UNAUTHENTICATED', { detail: 'The token has expired' });
    }
    try {
      this.#cryptoKey ??= crypto.subtle.importKey('raw', this.#key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
      const { payload } = await jwtVerify(token, await this.#cryptoKey, {
        algorithms: [algorithm],
        issuer: this.issuer,
        audience: this.audience,
        currentDate: this.#clock.now(),
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const userId = Number(payload.sub);
      const tokenVersion = payload['tv'];
      const sessionId = payload['sid'];
      if (!Number.isSafeInteger(userId) || userId <= 0 || userId > 2_147_483_647 || typeof tokenVersion !== 'number' || !Number.isSafeInteger(tokenVersion)) {
        throw new UserkitError('UNAUTHENTICATED', { detail: 'The token is invalid' });
      }
      if (sessionId !== undefined && (typeof sessionId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(sessionId))) {
        throw new UserkitError('UNAUTHENTICATED', { detail: 'The token is invalid' });
      }
      const claims: TokenClaims = sessionId === undefined ? { userId, tokenVersion } : { userId, tokenVersion, sessionId };
      this.#remember(token, claims, payload.exp as number);
      return claims;
    } catch (error) {
      if (error instanceof UserkitError) throw error;
      const expired = error instanceof joseErrors.JWTExpired;
      throw new UserkitError('UNAUTHENTICATED', { detail: expired ? 'The token has expired' : 'The token is invalid' });
    }
  }

  #remember(token: string, claims: TokenClaims, exp: number): void {
    if (this.#verifiedCacheSize <= 0) return;
    // Oldest first out: Map keeps insertion order.
    if (this.#verified.size >= this.#verifiedCacheSize) this.#verified.delete(this.#verified.keys().next().value as string);
    this.#verified.set(token, { claims, exp });
  }
}
