/**
 * `describeError(err)`: what an error modal shows — title, message, per-field messages — for every
 * code of SPEC 4 and for network, timeout and configuration errors. UIs never use `alert()`.
 */
import type { ErrorCode } from '@userkit/core/contract';
import { isApiError, isConfigurationError, isNetworkError, isTimeoutError } from './client-errors';

/** What a modal needs. */
export interface ErrorDescription {
  title: string;
  message: string;
  /** Messages per field path (`email`, `additional_websites.0`), for inline form errors. */
  fields: Record<string, string[]>;
  /** The API code, or `NETWORK`, `TIMEOUT`, `CONFIGURATION`, `UNKNOWN`. */
  code: ErrorCode | 'NETWORK' | 'TIMEOUT' | 'CONFIGURATION' | 'UNKNOWN';
  /** True when trying again later may work. */
  retryable: boolean;
}

const copy: Record<ErrorCode, { title: string; message: string }> = {
  VALIDATION_ERROR: { title: 'Check the highlighted fields', message: 'Some of the information entered is not valid.' },
  INVALID_JSON: { title: 'Request could not be read', message: 'The app sent something the server could not read. Please try again.' },
  WEAK_PASSWORD: { title: 'Choose a stronger password', message: 'Use at least 8 characters, not your email address and not a common password.' },
  INVALID_CURRENT_PASSWORD: { title: 'Current password is wrong', message: 'Enter your current password to set a new one.' },
  INVALID_VERIFICATION_CODE: { title: 'Code not accepted', message: 'The code is wrong, expired or already used. Ask for a new code and try again.' },
  UNAUTHENTICATED: { title: 'Please sign in', message: 'Your session has ended. Sign in again to continue.' },
  INVALID_CREDENTIALS: { title: 'Sign-in failed', message: 'The email or password is wrong.' },
  ACCOUNT_SUSPENDED: { title: 'Account suspended', message: 'This account is suspended. Contact support for help.' },
  ACCOUNT_INACTIVE: { title: 'Account inactive', message: 'This account is inactive. Contact support to reactivate it.' },
  FORBIDDEN: { title: 'Not allowed', message: 'You do not have permission to do this.' },
  FIELD_NOT_ALLOWED: { title: 'Some fields cannot be changed', message: 'You may not change some of these fields. Nothing was saved.' },
  NOT_FOUND: { title: 'Not found', message: 'This user does not exist or was deleted.' },
  METHOD_NOT_ALLOWED: { title: 'Not supported', message: 'This action is not supported.' },
  EMAIL_TAKEN: { title: 'Email already in use', message: 'An account with this email address already exists.' },
  USERNAME_TAKEN: { title: 'Username taken', message: 'This username is already in use. Choose another.' },
  INSUFFICIENT_CREDITS: { title: 'Not enough credits', message: 'The balance is too low for this change.' },
  LAST_SUPER_ADMIN: { title: 'Last super admin', message: 'This would leave no active super admin. Promote someone else first.' },
  CANNOT_DELETE_SELF: { title: 'Cannot delete yourself', message: 'Ask another admin to delete your account.' },
  PRECONDITION_FAILED: { title: 'Changed by someone else', message: 'This user was changed since you opened it. Reload and try again.' },
  PAYLOAD_TOO_LARGE: { title: 'Too large', message: 'What you sent is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { title: 'Unsupported format', message: 'This file or request format is not supported.' },
  RATE_LIMITED: { title: 'Too many attempts', message: 'Please wait a moment and try again.' },
  INTERNAL_ERROR: { title: 'Something went wrong', message: 'An unexpected error happened on our side. Please try again.' },
  SERVICE_UNAVAILABLE: { title: 'Service unavailable', message: 'The service is temporarily unavailable. Please try again shortly.' },
};

const retryableCodes = new Set<ErrorCode>(['RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR']);

/**
 * Describes any error for a modal.
 *
 * @example
 * ```ts
 * catch (err) {
 *   const { title, message, fields } = describeError(err);
 *   modal.open({ title, body: message });
 *   form.setErrors(fields);
 * }
 * ```
 */
export function describeError(error: unknown): ErrorDescription {
  if (isApiError(error)) {
    const base = copy[error.code] ?? { title: error.title, message: error.detail };
    const fields: Record<string, string[]> = {};
    for (const e of error.errors) (fields[e.path || '_'] ??= []).push(e.row !== undefined ? `Row ${e.row}: ${e.message}` : e.message);
    for (const f of error.fields) (fields[f] ??= []).push('You may not change this field');
    let message = base.message;
    if (error.code === 'RATE_LIMITED' && error.retryAfter !== undefined) message = `Too many attempts. Try again in ${error.retryAfter} seconds.`;
    else if (error.code === 'WEAK_PASSWORD') message = `${error.detail}.`;
    return { title: base.title, message, fields, code: error.code, retryable: retryableCodes.has(error.code) };
  }
  if (isNetworkError(error)) return { title: 'No connection', message: 'The server could not be reached. Check your connection and try again.', fields: {}, code: 'NETWORK', retryable: true };
  if (isTimeoutError(error)) return { title: 'Taking too long', message: 'The server did not answer in time. Please try again.', fields: {}, code: 'TIMEOUT', retryable: true };
  if (isConfigurationError(error)) return { title: 'App misconfigured', message: error.message, fields: {}, code: 'CONFIGURATION', retryable: false };
  return { title: 'Something went wrong', message: 'An unexpected error happened. Please try again.', fields: {}, code: 'UNKNOWN', retryable: false };
}
