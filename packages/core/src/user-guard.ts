/**
 * Guards for the app's own routes (docs/guards.md): who calls, by the SAME authenticator and
 * revocation rules as the API, so a token the API refuses (expired, revoked by a password or role
 * change, of a suspended or deleted user) is refused on `/dashboard` too. Framework-free; the Hono
 * and Express middlewares and a Next.js route handler all sit on it.
 */
import { BearerAuthenticator, type AuthRequest, type Authenticator } from './authenticator';
import { UserkitError, isUserkitError } from './errors';
import type { JwtTokens } from './jwt-tokens';
import type { CoreResponse } from './request-handler';
import { problemResponse } from './response-body';
import { toFetchResponse } from './response-body';
import { toPublicUser } from './user-record';
import type { User, UserType } from './user-schema';
import type { UserService } from './user-service';

/** What a guard reads a request from: a Fetch `Request`, or anything with a header lookup. */
export type GuardRequest = Request | AuthRequest;

/** A role a guard may require: a user type, or `super_admin`. */
export type GuardRole = UserType | 'super_admin';

/** What a guarded route requires of the signed-in user; none: any signed-in user. */
export type GuardRule = { roles: readonly GuardRole[] } | ((user: User) => boolean);

/** A guard's verdict: the signed-in user, or the problem+json answer to send instead. */
export type GuardOutcome = { user: User; response?: undefined } | { user?: undefined; response: CoreResponse };

/** Authenticates requests to the app's own routes. */
export interface UserGuard {
  /**
   * The signed-in user (public fields only), or undefined when the request carries no
   * credentials. Throws UNAUTHENTICATED for a bad, expired or revoked token.
   */
  authenticate(request: GuardRequest): Promise<User | undefined>;
  /**
   * The user if signed in and `rule` holds, else the answer to send: 401 UNAUTHENTICATED or
   * 403 FORBIDDEN as problem+json, with `WWW-Authenticate: Bearer`. Errors other than userkit
   * errors (a bug, a lost database the repository does not map) are thrown for the app's own
   * error handling.
   */
  check(request: GuardRequest, rule?: GuardRule): Promise<GuardOutcome>;
  /**
   * {@link check} for Fetch runtimes: the user, or the `Response` to return.
   *
   * @example
   * ```ts
   * // A Next.js route handler
   * export async function GET(request: Request) {
   *   const user = await guard.authorize(request, { roles: ['admin'] });
   *   if (user instanceof Response) return user;
   *   return Response.json({ hello: user.name });
   * }
   * ```
   */
  authorize(request: Request, rule?: GuardRule): Promise<User | Response>;
}

/** What {@link createGuard} needs: the same options the handler takes. */
export interface GuardOptions {
  service: UserService;
  tokens: JwtTokens;
  /** As the handler's `authenticator`; default: bearer JWT from `tokens`, user loaded on every request. */
  authenticator?: Authenticator;
}

/** The handler's default authenticator: bearer JWT, the user loaded on every request. */
export function defaultAuthenticator(options: GuardOptions): Authenticator {
  return (
    options.authenticator ??
    new BearerAuthenticator(
      options.tokens,
      (id, sessionId) => options.service.findActor(id, sessionId),
      (actorId, otherId, sessionId) => options.service.findActorWith(actorId, otherId, sessionId),
    )
  );
}

const authRequest = (request: GuardRequest): AuthRequest =>
  request instanceof Request ? { header: (name) => request.headers.get(name) ?? undefined } : request;

/** Whether `user` satisfies `rule`. */
export function satisfies(user: User, rule: GuardRule | undefined): boolean {
  if (rule === undefined) return true;
  if (typeof rule === 'function') return rule(user);
  return rule.roles.some((role) => (role === 'super_admin' ? user.user_type === 'admin' && user.is_super_admin : user.user_type === role));
}

/** A guard over an authenticator (the handler's own, for {@link UserkitHandler.guard}). */
export function guardOver(authenticator: Authenticator): UserGuard {
  async function authenticate(request: GuardRequest): Promise<User | undefined> {
    const record = await authenticator.authenticate(authRequest(request));
    return record && toPublicUser(record);
  }

  async function check(request: GuardRequest, rule?: GuardRule): Promise<GuardOutcome> {
    try {
      const user = await authenticate(request);
      if (!user) throw new UserkitError('UNAUTHENTICATED', { detail: 'Sign in and send Authorization: Bearer <token>' });
      if (!satisfies(user, rule)) {
        const response = problemResponse(new UserkitError('FORBIDDEN', { detail: 'Your account may not use this page' }), {
          'www-authenticate': 'Bearer realm="userkit", error="insufficient_scope"',
        });
        return { response };
      }
      return { user };
    } catch (error) {
      if (isUserkitError(error)) return { response: problemResponse(error) };
      throw error;
    }
  }

  async function authorize(request: Request, rule?: GuardRule): Promise<User | Response> {
    const outcome = await check(request, rule);
    return outcome.user ?? toFetchResponse(outcome.response);
  }

  return { authenticate, check, authorize };
}

/**
 * A guard built from handler options, for apps that guard routes without mounting the API in the
 * same process (a handler has its own as `handler.guard`).
 *
 * @example
 * ```ts
 * const guard = createGuard({ service, tokens });
 * const user = await guard.authenticate(request); // undefined without a token
 * ```
 */
export function createGuard(options: GuardOptions): UserGuard {
  return guardOver(defaultAuthenticator(options));
}
