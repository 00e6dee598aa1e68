/**
 * The pieces the routes of the contract (`contract.ts`, `session-routes.ts`) are built from: the
 * error lists many routes share, and builders for the kinds of route that follow one rule (every
 * `/auth/…` route is a POST; a rate-limited one can answer RATE_LIMITED; one that sends or checks
 * an emailed code goes over HTTPS only; a request for a code answers 202 whatever the address; a
 * route on one user takes its id and can miss it). Browser-safe: schemas and data only.
 */
import type * as z from 'zod';
import type { HttpMethod, RateLimitBucket, RouteSpec } from './contract';
import type { ErrorCode } from './errors';
import { pageQuerySchema } from './ledger-schema';
import { acceptedSchema, idParamsSchema } from './session-schema';

/** A route as written: checked against {@link RouteSpec}, its literal types kept. */
export const route = <const R extends RouteSpec>(spec: R): R => spec;

/** What a route with a JSON body may answer for the body alone. */
export const bodyErrors = ['VALIDATION_ERROR', 'INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'] as const;

/** What a route for signed-in callers answers to a missing or dead token, and to a caller the role policy refuses. */
export const signedInErrors = ['UNAUTHENTICATED', 'FORBIDDEN'] as const;

/** The answer of a route that succeeds with nothing to say: 204, no body. */
export const noContent = { status: 204 } as const satisfies RouteSpec['success'];

/** What a route says of itself in the API documentation. */
type RouteText = Pick<RouteSpec, 'summary' | 'description'>;

/** A route of `/auth/…`: its path and what it declares besides (all of them are POSTs tagged `auth`). */
type AuthSpec = Omit<RouteSpec, 'method' | 'path' | 'tag'>;

/**
 * A route of `/auth/…`: a POST, tagged `auth`.
 *
 * @example
 * ```ts
 * authRoute('/auth/logout-all', { access: 'signed-in', summary: '…', success: noContent, errors: signedInErrors });
 * ```
 */
export function authRoute<const P extends `/auth/${string}`, const R extends AuthSpec>(path: P, spec: R): { method: 'POST'; path: P; tag: 'auth' } & R {
  return { method: 'POST', path, tag: 'auth', ...spec };
}

/** A public, rate-limited `/auth/…` route: what it declares besides, and any errors of its own. */
type RateLimitedSpec = Omit<AuthSpec, 'access' | 'rateLimit' | 'errors'> & { body: z.ZodType; errors?: readonly ErrorCode[] };

/** The errors of a public, rate-limited route: its body's, its own, then RATE_LIMITED. */
type RateLimitedErrors<R extends RateLimitedSpec> = readonly [...typeof bodyErrors, ...(R extends { errors: infer E extends readonly ErrorCode[] } ? E : []), 'RATE_LIMITED'];

/**
 * A public `/auth/…` route with a JSON body, rate-limited in `bucket` (signing up, signing in, a
 * code): it answers its body's errors, those it lists, and RATE_LIMITED past its limit.
 *
 * @example
 * ```ts
 * rateLimitedRoute('/auth/login', 'login', { summary: 'Sign in', body: loginSchema, success: { status: 200 }, errors: ['INVALID_CREDENTIALS'] });
 * // errors: [...bodyErrors, 'INVALID_CREDENTIALS', 'RATE_LIMITED']
 * ```
 */
export function rateLimitedRoute<const P extends `/auth/${string}`, const B extends RateLimitBucket, const R extends RateLimitedSpec>(
  path: P,
  bucket: B,
  spec: R,
): { method: 'POST'; path: P; tag: 'auth'; access: 'public'; rateLimit: B } & Omit<R, 'errors'> & { errors: RateLimitedErrors<R> } {
  const { errors = [], ...rest } = spec;
  return { method: 'POST', path, tag: 'auth', access: 'public', rateLimit: bucket, ...rest, errors: [...bodyErrors, ...errors, 'RATE_LIMITED'] as unknown as RateLimitedErrors<R> };
}

/**
 * A route that sends or checks an emailed code: rate-limited as such (`send-code` or
 * `verify-email`), and sent to the production API over HTTPS only (`channel: 'email'`).
 */
export function emailCodeRoute<const P extends `/auth/${string}`, const B extends 'send-code' | 'verify-email', const R extends Omit<RateLimitedSpec, 'channel'>>(path: P, bucket: B, spec: R) {
  return rateLimitedRoute(path, bucket, { channel: 'email', ...spec });
}

/**
 * A request for an emailed code. It answers 202 whether or not the address exists, so it tells
 * nothing about which accounts there are.
 */
export function codeRequest<const P extends `/auth/${string}`, const B extends z.ZodType, const T extends RouteText>(path: P, body: B, text: T) {
  return emailCodeRoute(path, 'send-code', { ...text, body, success: { status: 202, schema: acceptedSchema } });
}

/** A route on one user: what it declares besides its method, its `/users/:id…` path and its id (its tag is `users` unless it says otherwise). */
type OnUserSpec = Omit<RouteSpec, 'method' | 'path' | 'params' | 'errors' | 'tag'> & { tag?: RouteSpec['tag']; errors?: readonly ErrorCode[] };

/** The tag of a route on one user: its own, or `users`. */
type OnUserTag<R extends OnUserSpec> = R extends { tag: infer G extends RouteSpec['tag'] } ? G : 'users';

/** The errors of a route on one user: those of its body (or of a malformed id), of its caller, of a missing user, then its own. */
type OnUserErrors<R extends OnUserSpec> = readonly [
  ...(R extends { body: z.ZodType } ? typeof bodyErrors : readonly ['VALIDATION_ERROR']),
  ...typeof signedInErrors,
  'NOT_FOUND',
  ...(R extends { errors: infer E extends readonly ErrorCode[] } ? E : []),
];

/**
 * A route on one user (`/users/:id…`): the id as its path parameters, the tag `users` unless the
 * spec names another, and the errors any such route may answer before its own: its body's (or
 * VALIDATION_ERROR for a malformed id), UNAUTHENTICATED, FORBIDDEN and NOT_FOUND. `errors` lists
 * only what the route adds.
 *
 * @example
 * ```ts
 * onUser('DELETE', '/users/:id', { access: 'admin', summary: '…', success: noContent, errors: ['CANNOT_DELETE_SELF'] });
 * // errors: ['VALIDATION_ERROR', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CANNOT_DELETE_SELF']
 * ```
 */
export function onUser<const M extends HttpMethod, const P extends `/users/:id${string}`, const R extends OnUserSpec>(
  method: M,
  path: P,
  spec: R,
): { method: M; path: P; params: typeof idParamsSchema; tag: OnUserTag<R> } & Omit<R, 'errors' | 'tag'> & { errors: OnUserErrors<R> } {
  const validation = spec.body === undefined ? (['VALIDATION_ERROR'] as const) : bodyErrors;
  const tag = (spec.tag ?? 'users') as OnUserTag<R>;
  return { method, path, params: idParamsSchema, ...spec, tag, errors: [...validation, ...signedInErrors, 'NOT_FOUND', ...(spec.errors ?? [])] as unknown as OnUserErrors<R> };
}

/**
 * A log of one user (`GET /users/:id/…`), newest first, one keyset page at a time (`cursor`,
 * `limit`): readable by the user and by whoever may read the user.
 */
export function userLog<const P extends `/users/:id/${string}`, const G extends RouteSpec['tag'], const S extends z.ZodType, const T extends RouteText>(
  path: P,
  tag: G,
  page: S,
  text: T,
) {
  return onUser('GET', path, { access: 'signed-in', tag, ...text, query: pageQuerySchema, success: { status: 200, schema: page } });
}
