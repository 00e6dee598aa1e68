/**
 * Bodies and answers of the session and password-reset routes (docs/sessions.md). Browser-safe.
 */
import * as z from 'zod';
import { emailSchema, isoDateSchema, passwordSchema } from './user-field-schemas';
import { strict, userSchema, verifyEmailSchema } from './user-schema';

/** A user id in a path. */
export const idParamsSchema = z.object({
  // Decimal digits only: `0x10`, `1e3` or ` 7` are not ids, even though Number() reads them.
  id: z
    .string({ error: 'The id must be a number' })
    .regex(/^\d{1,12}$/, { error: 'The id must be a whole number' })
    .pipe(z.coerce.number<string>().positive({ error: 'The id must be positive' }).max(2_147_483_647, { error: 'The id is too large' })),
});

/** A 202 answer whose work goes on after it (a code being mailed). */
export const acceptedSchema = z.object({ status: z.literal('accepted'), detail: z.string() });

/**
 * What login and refresh answer. `refresh_token` is absent when the server carries it in a cookie
 * (browser mode); `expires_in` is the access token's lifetime in seconds.
 */
export const loginResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  refresh_token: z.string().optional(),
  user: userSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** `POST /auth/forgot-password`. */
export const forgotPasswordSchema = z.strictObject({ email: emailSchema }, strict);
export type ForgotPasswordInput = z.input<typeof forgotPasswordSchema>;

/** `POST /auth/reset-password`: the emailed code and the new password (under the password policy). */
export const resetPasswordSchema = z.strictObject({ email: emailSchema, code: verifyEmailSchema.shape.code, new_password: passwordSchema }, strict);
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;

/** `POST /auth/refresh`: the refresh token in the body, or (browser mode) in its cookie and `{}` here. */
export const refreshSchema = z.strictObject(
  { refresh_token: z.string({ error: 'The refresh token must be a string' }).min(1, { error: 'The refresh token is empty' }).max(200, { error: 'The refresh token is too long' }).optional() },
  strict,
);
export type RefreshInput = z.input<typeof refreshSchema>;

/** One session as its user (or an admin) sees it; never its tokens. */
export const sessionSchema = z.object({
  /** The session id (the `sid` of its access tokens). */
  id: z.string(),
  created_at: isoDateSchema,
  last_used_at: isoDateSchema,
  expires_at: isoDateSchema,
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  /** The session of the access token this request was made with. */
  current: z.boolean(),
});
export type Session = z.infer<typeof sessionSchema>;

export const sessionListSchema = z.object({ items: z.array(sessionSchema) });
export type SessionList = z.infer<typeof sessionListSchema>;

/** `/users/me/sessions/:session_id`. */
export const sessionParamsSchema = z.object({
  session_id: z.string({ error: 'The session id must be a string' }).regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'The session id is invalid' }),
});
