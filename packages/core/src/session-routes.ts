/**
 * The routes of sessions and password reset (docs/sessions.md), spread into the contract.
 * Declared apart so the contract file stays readable; same shape, same rules.
 */
import type { RouteSpec } from './contract';
import { authRoute, bodyErrors, codeRequest, emailCodeRoute, noContent, onUser, route, signedInErrors } from './route-parts';
import { forgotPasswordSchema, loginResponseSchema, refreshSchema, resetPasswordSchema, sessionListSchema, sessionParamsSchema } from './session-schema';

/** Who may list or end a user's sessions (both admin routes). */
const sessionAdmins = 'Who may: as for the account fields in the role policy (admins on customers, super admins on anyone).';

/** The session and password-reset routes. */
export const sessionRoutes = {
  refresh: authRoute('/auth/refresh', {
    access: 'public',
    summary: 'Renew the access token',
    description:
      'Trades a refresh token (body `refresh_token`, or the session cookie in browser mode) for a new access token and a new refresh token. Each refresh token works once: presenting a rotated one again ends its whole session.',
    body: refreshSchema,
    success: { status: 200, schema: loginResponseSchema },
    errors: [...bodyErrors, ...signedInErrors],
  }),
  logout: authRoute('/auth/logout', {
    access: 'signed-in',
    summary: 'End this session',
    description: 'Ends the session of the access token: its refresh token and its access tokens stop working at once.',
    success: noContent,
    errors: signedInErrors,
  }),
  logoutAll: authRoute('/auth/logout-all', {
    access: 'signed-in',
    summary: 'End every session of the signed-in user',
    success: noContent,
    errors: signedInErrors,
  }),
  forgotPassword: codeRequest('/auth/forgot-password', forgotPasswordSchema, {
    summary: 'Email a password reset code',
    description: 'Answers 202 whether or not the address exists; the code (6 digits, 10 minutes, single use) is mailed after the answer.',
  }),
  resetPassword: emailCodeRoute('/auth/reset-password', 'verify-email', {
    summary: 'Set a new password with a reset code',
    description: 'Sets the password (under the password policy) and ends every session of the user.',
    body: resetPasswordSchema,
    success: noContent,
    errors: ['WEAK_PASSWORD', 'INVALID_VERIFICATION_CODE'],
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
    success: noContent,
    errors: ['VALIDATION_ERROR', 'UNAUTHENTICATED', 'NOT_FOUND'],
  }),
  listUserSessions: onUser('GET', '/users/:id/sessions', {
    access: 'admin',
    summary: 'A user’s sessions',
    description: sessionAdmins,
    success: { status: 200, schema: sessionListSchema },
  }),
  deleteUserSessions: onUser('DELETE', '/users/:id/sessions', {
    access: 'admin',
    summary: 'End every session of a user',
    description: sessionAdmins,
    success: noContent,
  }),
} as const satisfies Record<string, RouteSpec>;
