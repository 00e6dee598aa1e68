/**
 * The routes of sessions and password reset (docs/sessions.md), spread into the contract.
 * Declared apart so the contract file stays readable; same shape, same rules.
 */
import type { RouteSpec } from './contract';
import {
  acceptedSchema,
  forgotPasswordSchema,
  idParamsSchema,
  loginResponseSchema,
  refreshSchema,
  resetPasswordSchema,
  sessionListSchema,
  sessionParamsSchema,
} from './session-schema';

const route = <const R extends RouteSpec>(spec: R): R => spec;
const body = ['VALIDATION_ERROR', 'INVALID_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'] as const;

/** The session and password-reset routes. */
export const sessionRoutes = {
  refresh: route({
    method: 'POST',
    path: '/auth/refresh',
    access: 'public',
    tag: 'auth',
    summary: 'Renew the access token',
    description:
      'Trades a refresh token (body `refresh_token`, or the session cookie in browser mode) for a new access token and a new refresh token. Each refresh token works once: presenting a rotated one again ends its whole session.',
    body: refreshSchema,
    success: { status: 200, schema: loginResponseSchema },
    errors: [...body, 'UNAUTHENTICATED', 'FORBIDDEN'],
  }),
  logout: route({
    method: 'POST',
    path: '/auth/logout',
    access: 'signed-in',
    tag: 'auth',
    summary: 'End this session',
    description: 'Ends the session of the access token: its refresh token and its access tokens stop working at once.',
    success: { status: 204 },
    errors: ['UNAUTHENTICATED', 'FORBIDDEN'],
  }),
  logoutAll: route({
    method: 'POST',
    path: '/auth/logout-all',
    access: 'signed-in',
    tag: 'auth',
    summary: 'End every session of the signed-in user',
    success: { status: 204 },
    errors: ['UNAUTHENTICATED', 'FORBIDDEN'],
  }),
  forgotPassword: route({
    method: 'POST',
    path: '/auth/forgot-password',
    channel: 'email',
    access: 'public',
    tag: 'auth',
    summary: 'Email a password reset code',
    description: 'Answers 202 whether or not the address exists; the code (6 digits, 10 minutes, single use) is mailed after the answer.',
    body: forgotPasswordSchema,
    rateLimit: 'send-code',
    success: { status: 202, schema: acceptedSchema },
    errors: [...body, 'RATE_LIMITED'],
  }),
  resetPassword: route({
    method: 'POST',
    path: '/auth/reset-password',
    channel: 'email',
    access: 'public',
    tag: 'auth',
    summary: 'Set a new password with a reset code',
    description: 'Sets the password (under the password policy) and ends every session of the user.',
    body: resetPasswordSchema,
    rateLimit: 'verify-email',
    success: { status: 204 },
    errors: [...body, 'WEAK_PASSWORD', 'INVALID_VERIFICATION_CODE', 'RATE_LIMITED'],
  }),
  listMySessions: route({
    method: 'GET',
    path: '/users/me/sessions',
    access: 'signed-in',
    tag: 'users',
    summary: 'The signed-in user’s sessions',
    success: { status: 200, schema: sessionListSchema },
    errors: ['UNAUTHENTICATED'],
  }),
  deleteMySession: route({
    method: 'DELETE',
    path: '/users/me/sessions/:session_id',
    access: 'signed-in',
    tag: 'users',
    summary: 'End one of the signed-in user’s sessions',
    params: sessionParamsSchema,
    success: { status: 204 },
    errors: ['VALIDATION_ERROR', 'UNAUTHENTICATED', 'NOT_FOUND'],
  }),
  listUserSessions: route({
    method: 'GET',
    path: '/users/:id/sessions',
    access: 'admin',
    tag: 'users',
    summary: 'A user’s sessions',
    description: 'Who may: as for the account fields in the role policy (admins on customers, super admins on anyone).',
    params: idParamsSchema,
    success: { status: 200, schema: sessionListSchema },
    errors: ['VALIDATION_ERROR', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'],
  }),
  deleteUserSessions: route({
    method: 'DELETE',
    path: '/users/:id/sessions',
    access: 'admin',
    tag: 'users',
    summary: 'End every session of a user',
    description: 'Who may: as for the account fields in the role policy (admins on customers, super admins on anyone).',
    params: idParamsSchema,
    success: { status: 204 },
    errors: ['VALIDATION_ERROR', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'],
  }),
} as const satisfies Record<string, RouteSpec>;
