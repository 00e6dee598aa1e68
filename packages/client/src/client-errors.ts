/**
 * The client's errors, mirroring core's: {@link ApiError} for problem+json answers, and distinct
 * kinds for network failures, timeouts and configuration mistakes. Each has a type guard.
 */
import type { ErrorCode, FieldError, Problem } from '@userkit/core';

/** The server answered with an error (a problem+json body, or a bare status). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ErrorCode;
  readonly title: string;
  readonly detail: string;
  /** Per-field messages of VALIDATION_ERROR (and import rows). */
  readonly errors: FieldError[];
  /** Fields named by FIELD_NOT_ALLOWED. */
  readonly fields: string[];
  /** Seconds to wait, from `Retry-After` (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(problem: Problem, retryAfter?: number) {
    super(`${problem.code}: ${problem.detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.fields = problem.fields ?? [];
    this.retryAfter = retryAfter;
  }
}

/** The request never got an answer: offline, DNS, connection refused or reset, CORS. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(message = 'The server could not be reached', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No answer within the timeout. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(message = 'The server took too long to answer', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The client is set up wrongly (e.g. an email URL that is not https://). Thrown at once, never retried. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/**
 * True when `error` is an {@link ApiError}, optionally with one of `codes`.
 *
 * @example
 * ```ts
 * try { await client.login({ body }) } catch (err) {
 *   if (isApiError(err, 'INVALID_CREDENTIALS')) showModal(describeError(err));
 * }
 * ```
 */
export function isApiError<C extends ErrorCode>(error: unknown, ...codes: C[]): error is ApiError & { code: C } {
  return error instanceof ApiError && (codes.length === 0 || (codes as ErrorCode[]).includes(error.code));
}

export function isNetworkError(error: unknown): error is NetworkError {
  return error instanceof NetworkError;
}

export function isTimeoutError(error: unknown): error is TimeoutError {
  return error instanceof TimeoutError;
}

export function isConfigurationError(error: unknown): error is ConfigurationError {
  return error instanceof ConfigurationError;
}
