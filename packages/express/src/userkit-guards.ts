/**
 * Guards for an Express app's own routes (docs/guards.md), checked by the same authenticator and
 * revocation rules as the API. A refusal is the API's problem+json: 401 or 403 with
 * `WWW-Authenticate: Bearer`.
 *
 * The user is put on `req.user` (and `res.locals.user`). It is typed through
 * {@link withUser} rather than by augmenting Express's global `Request`: a package-wide
 * augmentation would claim `req.user` in every app that installs this package, and clash with
 * other libraries (passport) that claim it with another type. An app that wants `req.user` typed
 * everywhere adds the declaration-merging snippet of docs/guards.md to its own code.
 */
import type { User } from '@userkit/core';
import type { GuardRole, GuardRule, UserGuard, UserkitHandler } from '@userkit/core/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** A request that passed a userkit guard. */
export type UserkitRequest = Request & { user: User };

/** The middlewares of {@link userkitGuards}. */
export interface UserkitGuards {
  /** Any signed-in user (active, token not revoked). */
  requireUser(): RequestHandler;
  /** An admin (super admins included). */
  requireAdmin(): RequestHandler;
  /** A user with one of these roles, or for whom the predicate holds. */
  requireRole(...roles: GuardRole[] | [(user: User) => boolean]): RequestHandler;
}

const header = (req: Request) => (name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * Guard middlewares over a handler's authenticator (or a guard from `createGuard`).
 *
 * @example
 * ```ts
 * const handler = createUserkitHandler({ service, tokens });
 * const { requireUser, requireAdmin } = userkitGuards(handler);
 * app.use(userkitMiddleware(handler));
 * app.get('/dashboard', requireUser(), withUser((req, res) => res.send(`Hello ${req.user.email}`)));
 * app.get('/admin/reports', requireAdmin(), withUser((req, res) => res.json({ by: req.user.id })));
 * ```
 */
export function userkitGuards(source: UserkitHandler | UserGuard): UserkitGuards {
  const guard = 'guard' in source ? source.guard : source;
  const middleware =
    (rule?: GuardRule): RequestHandler =>
    (req, res, next) => {
      guard
        .check({ header: header(req) }, rule)
        .then((outcome) => {
          if (outcome.response) {
            res.writeHead(outcome.response.status, outcome.response.headers);
            res.end(typeof outcome.response.body === 'string' ? outcome.response.body : undefined);
            return;
          }
          Object.assign(req, { user: outcome.user });
          res.locals['user'] = outcome.user;
          next();
        })
        .catch(next);
    };
  return {
    requireUser: () => middleware(),
    requireAdmin: () => middleware({ roles: ['admin'] }),
    requireRole: (...roles) => middleware(typeof roles[0] === 'function' ? roles[0] : { roles: roles as GuardRole[] }),
  };
}

/**
 * A route handler that reads the guarded user as `req.user`, typed. Place it after a guard; without
 * one it passes an error to `next` rather than run with no user.
 *
 * @example
 * ```ts
 * app.get('/me', requireUser(), withUser((req, res) => res.json({ email: req.user.email })));
 * ```
 */
export function withUser(handler: (req: UserkitRequest, res: Response, next: NextFunction) => unknown): RequestHandler {
  return (req, res, next) => {
    const user = (req as Request & { user?: unknown }).user;
    if (!isUser(user)) return next(new Error('withUser: no signed-in user on the request; put requireUser() (or another userkit guard) before it'));
    try {
      const result = handler(req as UserkitRequest, res, next);
      if (result instanceof Promise) result.catch(next);
    } catch (error) {
      next(error);
    }
  };
}

function isUser(value: unknown): value is User {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'number' && typeof (value as { email?: unknown }).email === 'string';
}
