/**
 * The HTTP contract (docs/api.md#routes): every route written once — method, path, schemas, who may call,
 * what it answers. The handler, the adapters, the client, the mocks and the OpenAPI document
 * are all driven by this object. Browser-safe: schemas and data only.
 */
import * as z from 'zod';
import type { ErrorCode } from './errors';
import { activityPageSchema, userStatsSchema } from './ledger-schema';
import { listUsersQuerySchema } from './list-query-schema';
import { acceptedSchema, idParamsSchema, loginResponseSchema } from './session-schema';
import { bodyErrors, codeRequest, emailCodeRoute, noContent, onUser, rateLimitedRoute, route, signedInErrors, userLog } from './route-parts';
import { creditRoutes } from './credit-routes';
import { sessionRoutes } from './session-routes';
import { exportQuerySchema } from './user-export';
import { importContentTypes, importQuerySchema, importResultSchema } from './import-schema';
import {
  adminPasswordSetSchema,
  loginSchema,
  registerSchema,
  resendVerificationSchema,
  selfPasswordChangeSchema,
  superAdminCreateSchema,
  superAdminUpdateSchema,
  userSchema,
  verifyEmailSchema,
} from './user-schema';

/** Rate-limit buckets (docs/security.md#rate-limits): sign-in failures, code checks, and requests that send a code. */
export type RateLimitBucket = 'login' | 'verify-email' | 'send-code';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Who may call a route: anyone, any signed-in user (the policy decides further), or admins. */
export type Access = 'public' | 'signed-in' | 'admin';

/** One route of the contract. */
export interface RouteSpec {
  method: HttpMethod;
  /** Relative to the API base (`/api`); `:id` marks a path parameter. */
  path: `/${string}`;
  access: Access;
  summary: string;
  description?: string;
  tag: 'auth' | 'users' | 'credits' | 'system';
  params?: z.ZodObject;
  query?: z.ZodType;
  /** The JSON request body (validated by the service, which knows the actor). */
  body?: z.ZodType;
  /** A non-JSON request body streamed to the operation (imports), with its media types. */
  upload?: { media: readonly string[] };
  /** Request headers the route reads. */
  headers?: { ifMatch?: boolean; idempotencyKey?: boolean };
  /**
   * `email` marks the routes that send or check an emailed code: clients send them to the
   * production API over HTTPS only (docs/api.md#email-routes-over-https-only).
   */
  channel?: 'email';
  /** Rate limit bucket (docs/security.md#rate-limits). */
  rateLimit?: RateLimitBucket;
  success: {
    status: 200 | 201 | 202 | 204;
    /** The JSON body; absent for 204 and non-JSON answers. */
    schema?: z.ZodType;
    /** Answered with an `ETag` of the returned user. */
    etag?: boolean;
    /** Answered with a `Location` of the created user. */
    location?: boolean;
    /** Non-JSON answers: the media types the body may have (streamed). */
    media?: readonly string[];
    /** A Server-Sent Events stream (`text/event-stream`): each event name and its JSON data. */
    events?: Record<string, z.ZodType>;
  };
  /** The error codes this route can answer with, besides INTERNAL_ERROR and SERVICE_UNAVAILABLE. */
  errors: readonly ErrorCode[];
}

export { acceptedSchema, idParamsSchema, loginResponseSchema };
export const userEnvelopeSchema = z.object({ user: userSchema });
export const userPageSchema = z.object({
  items: z.array(userSchema),
  next_cursor: z.string().nullable(),
  /** Matching users, counted up to the server's cap (1000 by default). */
  total: z.number().int(),
  /** True when more users match than `total` says. */
  total_capped: z.boolean(),
});
/** An `activity` event of `GET /users/stats/stream`: a lifecycle event and the user it concerns. */
export const liveChangeSchema = z.object({
  event: z.string(),
  user_id: z.number().int().nullable(),
  actor_id: z.number().int().nullable(),
  at: z.string(),
});
export const passwordChangeSchema = z.union([selfPasswordChangeSchema, adminPasswordSetSchema]);
export const healthSchema = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()).optional() });

/**
 * Every route of the API.
 *
 * @example
 * ```ts
 * contract.getUser.path;   // '/users/:id'
 * contract.getUser.access; // 'signed-in'
 * ```
 */
export const contract = {
  register: emailCodeRoute('/auth/register', 'send-code', {
    summary: 'Register a customer',
    description: 'Creates a customer with status `pending` and emails a 6-digit verification code.',
    body: registerSchema,
    success: { status: 201, schema: userEnvelopeSchema },
    errors: ['WEAK_PASSWORD', 'EMAIL_TAKEN', 'USERNAME_TAKEN'],
  }),
  login: rateLimitedRoute('/auth/login', 'login', {
    summary: 'Sign in',
    description:
      'Starts a session: a short-lived bearer access token and a refresh token (in the body, or in an HttpOnly cookie in browser mode; docs/sessions.md). Pending users may sign in; inactive and suspended users may not.',
    body: loginSchema,
    success: { status: 200, schema: loginResponseSchema },
    errors: ['INVALID_CREDENTIALS', 'ACCOUNT_SUSPENDED', 'ACCOUNT_INACTIVE'],
  }),
  verifyEmail: emailCodeRoute('/auth/verify-email', 'verify-email', {
    summary: 'Verify an email address with its code',
    body: verifyEmailSchema,
    success: { status: 200, schema: userEnvelopeSchema },
    errors: ['INVALID_VERIFICATION_CODE'],
  }),
  resendVerification: codeRequest('/auth/resend-verification', resendVerificationSchema, {
    summary: 'Send a new verification code',
    description: 'Answers 202 whether or not the address exists.',
  }),
  ...sessionRoutes,
  me: route({
    method: 'GET',
    path: '/users/me',
    access: 'signed-in',
    tag: 'users',
    summary: 'The signed-in user',
    success: { status: 200, schema: userSchema, etag: true },
    errors: ['UNAUTHENTICATED'],
  }),
  listUsers: route({
    method: 'GET',
    path: '/users',
    access: 'admin',
    tag: 'users',
    summary: 'List users',
    description: 'Search (`q`), filters, sort and keyset pagination (`cursor` from `next_cursor`).',
    query: listUsersQuerySchema,
    success: { status: 200, schema: userPageSchema },
    errors: ['VALIDATION_ERROR', ...signedInErrors],
  }),
  createUser: route({
    method: 'POST',
    path: '/users',
    access: 'admin',
    tag: 'users',
    summary: 'Create a user',
    description: 'Admins create customers; only a super admin creates admins or super admins.',
    body: superAdminCreateSchema,
    success: { status: 201, schema: userSchema, etag: true, location: true },
    errors: [...bodyErrors, ...signedInErrors, 'FIELD_NOT_ALLOWED', 'WEAK_PASSWORD', 'EMAIL_TAKEN', 'USERNAME_TAKEN'],
  }),
  stats: route({
    method: 'GET',
    path: '/users/stats',
    access: 'admin',
    tag: 'users',
    summary: 'User statistics',
    description: 'Totals by user type, status, lead status and verification; signups per day for the last 30 days; credits in circulation.',
    success: { status: 200, schema: userStatsSchema },
    errors: signedInErrors,
  }),
  statsStream: route({
    method: 'GET',
    path: '/users/stats/stream',
    access: 'admin',
    tag: 'users',
    summary: 'Live statistics (Server-Sent Events)',
    description:
      'A `text/event-stream`: a `stats` event (as `GET /users/stats`) at once and again within a second of any change on any instance, an `activity` event per change, and a `: ping` comment every 15 seconds.',
    success: { status: 200, media: ['text/event-stream'], events: { stats: userStatsSchema, activity: liveChangeSchema } },
    errors: signedInErrors,
  }),
  exportUsers: route({
    method: 'GET',
    path: '/users/export',
    access: 'admin',
    tag: 'users',
    summary: 'Export users',
    description: 'The list filters and sort, as CSV (`format=csv`, cells starting with = + - @ neutralised) or NDJSON (`format=ndjson`), streamed.',
    query: exportQuerySchema,
    success: { status: 200, media: ['text/csv', 'application/x-ndjson'] },
    errors: ['VALIDATION_ERROR', ...signedInErrors],
  }),
  importUsers: route({
    method: 'POST',
    path: '/users/import',
    access: 'admin',
    tag: 'users',
    summary: 'Import users',
    description:
      'CSV (header row of field names) or NDJSON; rows carry `password` or an existing bcrypt `password_hash`. All-or-nothing: a rejected import answers VALIDATION_ERROR whose `errors` carry `row`, and changes nothing. `dry_run=true` checks without writing.',
    query: importQuerySchema,
    upload: { media: importContentTypes },
    success: { status: 200, schema: importResultSchema },
    errors: ['VALIDATION_ERROR', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', ...signedInErrors, 'EMAIL_TAKEN', 'USERNAME_TAKEN'],
  }),
  getUser: onUser('GET', '/users/:id', {
    access: 'signed-in',
    summary: 'Read a user',
    success: { status: 200, schema: userSchema, etag: true },
  }),
  updateUser: onUser('PUT', '/users/:id', {
    access: 'signed-in',
    summary: 'Update a user (partial)',
    description:
      'Fields left out stay as they are. Which fields a caller may set follows the role policy; others answer FIELD_NOT_ALLOWED. Send `If-Match` with the ETag of a previous read to avoid lost updates.',
    body: superAdminUpdateSchema,
    headers: { ifMatch: true },
    success: { status: 200, schema: userSchema, etag: true },
    errors: ['FIELD_NOT_ALLOWED', 'EMAIL_TAKEN', 'USERNAME_TAKEN', 'LAST_SUPER_ADMIN', 'PRECONDITION_FAILED'],
  }),
  deleteUser: onUser('DELETE', '/users/:id', {
    access: 'admin',
    summary: 'Delete a user (soft)',
    success: noContent,
    errors: ['CANNOT_DELETE_SELF', 'LAST_SUPER_ADMIN'],
  }),
  changePassword: onUser('POST', '/users/:id/password', {
    access: 'signed-in',
    summary: 'Change or set a password',
    description: 'On oneself with `current_password`; an admin sets a customer’s, a super admin anyone’s. Revokes the user’s tokens.',
    body: passwordChangeSchema,
    success: noContent,
    errors: ['WEAK_PASSWORD', 'INVALID_CURRENT_PASSWORD'],
  }),
  ...creditRoutes,
  listActivity: userLog('/users/:id/activity', 'users', activityPageSchema, {
    summary: 'Activity log',
    description: 'What happened to this user, newest first, keyset-paginated. Never holds a secret.',
  }),
  openapi: route({
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    tag: 'system',
    summary: 'This API as OpenAPI 3.1',
    success: { status: 200 },
    errors: [],
  }),
  health: route({
    method: 'GET',
    path: '/health',
    access: 'public',
    tag: 'system',
    summary: 'Liveness',
    success: { status: 200, schema: healthSchema },
    errors: [],
  }),
  ready: route({
    method: 'GET',
    path: '/health/ready',
    access: 'public',
    tag: 'system',
    summary: 'Readiness: database reachable and migrated',
    success: { status: 200, schema: healthSchema },
    errors: ['SERVICE_UNAVAILABLE'],
  }),
} as const satisfies Record<string, RouteSpec>;

export type Contract = typeof contract;
export type RouteName = keyof Contract;
