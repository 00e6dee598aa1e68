/**
 * `describeError(err)`: what an error modal shows — title, message, per-field messages — for every
 * API error code and for network, timeout, cancelled and configuration errors. UIs never use
 * the browser's alert box.
 *
 * Two audiences, kept apart: `title` and `message` are always end-user copy (overridable per code,
 * for wording or translation); what only a developer can act on (a ConfigurationError's text, the
 * server's `detail`) is in `developerMessage`, and such errors carry `developer: true`. A developer
 * error still gets a neutral end-user message rather than a throw: describeError runs in catch
 * blocks and render paths, where throwing would turn one error into a crash. The client already
 * throws ConfigurationError early, before any request, so it shows up in development.
 */
import type { Contract, ErrorCode, FieldError, RouteName } from '@userkit/core';
import type { z } from 'zod';
import { ApiError, isApiError, isConfigurationError, isNetworkError, isTimeoutError } from './client-errors';

/** What describeError reports: an API code, or one of the client's own kinds. */
export type DescribedCode = ErrorCode | 'NETWORK' | 'TIMEOUT' | 'ABORTED' | 'CONFIGURATION' | 'UNKNOWN';

type BodyKeys<R> = R extends { body: infer B extends z.ZodType } ? Extract<keyof NonNullable<z.input<B>>, string> : never;
type QueryKeys<R> = R extends { query: infer Q extends z.ZodType } ? Extract<keyof NonNullable<z.input<Q>>, string> : never;
type Keys<K extends RouteName> = BodyKeys<Contract[K]> | QueryKeys<Contract[K]>;

/**
 * The field paths of a route's errors: its body (and query) fields, a nested path under one of them
 * (`additional_websites.0`), or `_` for an error about the whole input.
 */
export type FieldPath<K extends RouteName> = Keys<K> | `${Keys<K>}.${string}` | '_';

/** Messages per field: any string key by default, the route's field paths when a route is named. */
export type FieldMessages<F extends string = string> = string extends F ? Record<string, string[]> : Partial<Record<F, string[]>>;

/** What a modal needs. */
export interface ErrorDescription<F extends string = string> {
  /** End-user copy. */
  title: string;
  /** End-user copy. Empty when `ignore` is true. */
  message: string;
  /** Messages per field path (`email`, `additional_websites.0`), for inline form errors. */
  fields: FieldMessages<F>;
  code: DescribedCode;
  /** True when trying again later may work. */
  retryable: boolean;
  /** Seconds to wait before trying again, when the server said (RATE_LIMITED, SERVICE_UNAVAILABLE). */
  retryAfter?: number;
  /** True for a mistake in the app, not the user's: a ConfigurationError, a malformed request. */
  developer: boolean;
  /** For logs and the console, never for end users: the configuration problem or the server's detail. */
  developerMessage?: string;
  /** True when nothing should be shown: the request was cancelled on purpose (AbortError). */
  ignore: boolean;
}

/** What an override sees. */
export interface MessageContext {
  code: DescribedCode;
  error: unknown;
  /** Seconds to wait, when known. */
  retryAfter: number | undefined;
  /** `retryAfter` as words, through `formatRetryIn` ("in 15 minutes"), when known. */
  retryIn: string | undefined;
  /** The default copy for this code. */
  defaults: { title: string; message: string };
}

/** An override: fixed copy, or a function of the context (return undefined to keep the default). */
export type MessageOverride = Partial<{ title: string; message: string }> | ((context: MessageContext) => Partial<{ title: string; message: string }> | undefined);

/** Options of describeError and createErrorDescriber. */
export interface DescribeErrorOptions {
  /**
   * Your wording per code: a map of codes to copy, or one function for every code (e.g. a lookup in
   * your i18n catalogue). What an override leaves out keeps the default.
   */
  messages?: Partial<Record<DescribedCode, MessageOverride>> | ((context: MessageContext) => Partial<{ title: string; message: string }> | undefined);
  /** Words for a wait in seconds. Default {@link formatRetryIn}: "in 15 minutes". */
  formatRetryIn?: (seconds: number) => string;
  /** Your wording of one field error (its `code` is zod's issue code); return undefined to keep the server's. */
  fieldMessage?: (error: FieldError) => string | undefined;
}

const copy: Record<DescribedCode, { title: string; message: string }> = {
  VALIDATION_ERROR: { title: 'Check the highlighted fields', message: 'Some of the information entered is not valid.' },
  INVALID_JSON: { title: 'Something went wrong', message: 'The app sent a request the server could not read. Please try again later.' },
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
  METHOD_NOT_ALLOWED: { title: 'Something went wrong', message: 'This action is not available. Please try again later.' },
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
  NETWORK: { title: 'No connection', message: 'The server could not be reached. Check your connection and try again.' },
  TIMEOUT: { title: 'Taking too long', message: 'The server did not answer in time. Please try again.' },
  ABORTED: { title: '', message: '' },
  CONFIGURATION: { title: 'Something went wrong', message: 'This part of the app is not working right now. Please try again later.' },
  UNKNOWN: { title: 'Something went wrong', message: 'An unexpected error happened. Please try again.' },
};

const retryableCodes = new Set<DescribedCode>(['RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR', 'NETWORK', 'TIMEOUT']);
/** Codes that only a mistake in the app (not the user) can cause. */
const developerCodes = new Set<DescribedCode>(['CONFIGURATION', 'INVALID_JSON', 'METHOD_NOT_ALLOWED']);

/**
 * True for a cancelled request: an `AbortError` (a `DOMException` from `AbortController.abort()`,
 * or any error so named). Not an error to show: the app (or TanStack Query) cancelled on purpose.
 */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * A wait in words, for "Try again …": "in 45 seconds", "in 15 minutes", "in about an hour",
 * "in about 3 hours", "in about 2 days". Minutes round up (891 s is "in 15 minutes"): saying less
 * than the real wait sends people back too early.
 */
export function formatRetryIn(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s <= 1) return 'in a moment';
  if (s < 60) return `in ${plural(s, 'second')}`;
  if (s < 3600) return `in ${plural(Math.ceil(s / 60), 'minute')}`;
  const hours = Math.round(s / 3600);
  if (hours < 36) return hours === 1 ? 'in about an hour' : `in about ${plural(hours, 'hour')}`;
  return `in about ${plural(Math.round(s / 86_400), 'day')}`;
}

function codeOf(error: unknown): DescribedCode {
  if (isApiError(error)) return error.code;
  if (isNetworkError(error)) return 'NETWORK';
  // The client's TimeoutError, or the DOMException of `AbortSignal.timeout()`.
  if (isTimeoutError(error) || (error instanceof Error && error.name === 'TimeoutError')) return 'TIMEOUT';
  if (isAbortError(error)) return 'ABORTED';
  if (isConfigurationError(error)) return 'CONFIGURATION';
  return 'UNKNOWN';
}

function collectFields(error: unknown, fieldMessage: DescribeErrorOptions['fieldMessage']): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  if (!(error instanceof ApiError)) return fields;
  for (const e of error.errors) {
    const text = fieldMessage?.(e) ?? e.message;
    (fields[e.path || '_'] ??= []).push(e.row !== undefined ? `Row ${e.row}: ${text}` : text);
  }
  for (const f of error.fields) (fields[f] ??= []).push('You may not change this field');
  return fields;
}

function defaultCopy(code: DescribedCode, error: unknown, retryIn: string | undefined): { title: string; message: string } {
  const base = copy[code];
  if (code === 'RATE_LIMITED' && retryIn) return { title: base.title, message: `Too many attempts. Try again ${retryIn}.` };
  if (code === 'SERVICE_UNAVAILABLE' && retryIn) return { title: base.title, message: `The service is temporarily unavailable. Try again ${retryIn}.` };
  // The server words the failed password rule for the person typing it.
  if (code === 'WEAK_PASSWORD' && error instanceof ApiError && error.detail) return { title: base.title, message: `${error.detail.replace(/\.$/, '')}.` };
  return base;
}

function developerMessageOf(error: unknown): string | undefined {
  if (error instanceof ApiError) return `${error.code} (${error.status}): ${error.detail}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return undefined;
}

/**
 * Describes any error for a modal. Name the route to get `fields` keyed by its fields:
 * `describeError<'updateUser'>(err).fields.phone`.
 *
 * @example
 * ```ts
 * catch (err) {
 *   const d = describeError<'updateUser'>(err);
 *   if (d.ignore) return; // cancelled on purpose
 *   if (d.developer) console.error(d.developerMessage);
 *   modal.open({ title: d.title, body: d.message });
 *   form.setErrors(d.fields);
 * }
 * ```
 */
export function describeError<K extends RouteName = never>(error: unknown, options: DescribeErrorOptions = {}): ErrorDescription<[K] extends [never] ? string : FieldPath<K>> {
  const code = codeOf(error);
  const retryAfter = error instanceof ApiError ? error.retryAfter : undefined;
  const retryIn = retryAfter !== undefined ? (options.formatRetryIn ?? formatRetryIn)(retryAfter) : undefined;
  const defaults = defaultCopy(code, error, retryIn);
  const context: MessageContext = { code, error, retryAfter, retryIn, defaults };
  const override = typeof options.messages === 'function' ? options.messages : options.messages?.[code];
  const chosen = typeof override === 'function' ? override(context) : override;
  const developer = developerCodes.has(code);
  const developerMessage = developer || code === 'UNKNOWN' || code === 'INTERNAL_ERROR' ? developerMessageOf(error) : undefined;
  return {
    title: chosen?.title ?? defaults.title,
    message: chosen?.message ?? defaults.message,
    fields: collectFields(error, options.fieldMessage) as FieldMessages<[K] extends [never] ? string : FieldPath<K>>,
    code,
    retryable: retryableCodes.has(code),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    developer,
    ...(developerMessage !== undefined ? { developerMessage } : {}),
    ignore: code === 'ABORTED',
  };
}

/**
 * A describeError with your options built in: your wording, your language.
 *
 * @example
 * ```ts
 * const describe = createErrorDescriber({
 *   messages: ({ code, retryIn }) => ({ title: t(`errors.${code}.title`), message: t(`errors.${code}.message`, { retryIn }) }),
 *   formatRetryIn: (seconds) => rtf.format(Math.ceil(seconds / 60), 'minute'),
 * });
 * describe<'updateUser'>(err).fields.email;
 * ```
 */
export function createErrorDescriber(options: DescribeErrorOptions) {
  return <K extends RouteName = never>(error: unknown, more: DescribeErrorOptions = {}) => describeError<K>(error, { ...options, ...more });
}
