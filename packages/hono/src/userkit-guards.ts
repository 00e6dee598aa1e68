/**
 * Guards for a Hono app's own routes (docs/guards.md): the signed-in user on `c.get('user')`,
 * typed through Hono's `Variables`, checked by the same authenticator and revocation rules as the
 * API. A refusal is the API's problem+json: 401 or 403 with `WWW-Authenticate: Bearer`.
 */
import { type User } from '@userkit/core';
import { toFetchResponse, type GuardRole, type GuardRule, type UserGuard, type UserkitHandler } from '@userkit/core/server';
import type { MiddlewareHandler } from 'hono';

/** The variables the guards set: `c.get('user')`. */
export interface UserkitVariables {
  user: User;
}

/** The Hono environment of a guarded route; merge it into the app's own (`new Hono<UserkitEnv>()`). */
export interface UserkitEnv {
  Variables: UserkitVariables;
}

/** The middlewares of {@link userkitGuards}. */
export interface UserkitGuards {
  /** Any signed-in user (active, token not revoked). */
  requireUser(): MiddlewareHandler<UserkitEnv>;
  /** An admin (super admins included). */
  requireAdmin(): MiddlewareHandler<UserkitEnv>;
  /** A user with one of these roles, or for whom the predicate holds. */
  requireRole(...roles: GuardRole[] | [(user: User) => boolean]): MiddlewareHandler<UserkitEnv>;
}

/**
 * Guard middlewares over a handler's authenticator (or a guard from `createGuard`).
 *
 * @example
 * ```ts
 * const handler = createUserkitHandler({ service, tokens });
 * const { requireUser, requireAdmin } = userkitGuards(handler);
 * const app = new Hono<UserkitEnv>();
 * app.use(userkitMiddleware(handler));
 * app.get('/dashboard', requireUser(), (c) => c.text(`Hello ${c.get('user').email}`));
 * app.get('/admin/reports', requireAdmin(), (c) => c.json({ by: c.get('user').id }));
 * ```
 */
export function userkitGuards(source: UserkitHandler | UserGuard): UserkitGuards {
  const guard = 'guard' in source ? source.guard : source;
  const middleware =
    (rule?: GuardRule): MiddlewareHandler<UserkitEnv> =>
    async (c, next) => {
      const outcome = await guard.check({ header: (name) => c.req.header(name) }, rule);
      if (outcome.response) return toFetchResponse(outcome.response);
      c.set('user', outcome.user);
      await next();
    };
  return {
    requireUser: () => middleware(),
    requireAdmin: () => middleware({ roles: ['admin'] }),
    requireRole: (...roles) => middleware(typeof roles[0] === 'function' ? roles[0] : { roles: roles as GuardRole[] }),
  };
}
