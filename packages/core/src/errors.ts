/**
 * The one error type of userkit, its code union and the code-to-status table (docs/errors.md).
 */

/** Every status a userkit error can carry, by code. The single source for HTTP mapping. */
export const errorStatus = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  WEAK_PASSWORD: 400,
  INVALID_CURRENT_PASSWORD: 400,
  INVALID_VERIFICATION_CODE: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_SUSPENDED: 403,
  ACCOUNT_INACTIVE: 403,
  FORBIDDEN: 403,
  FIELD_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  USERNAME_TAKEN: 409,
  INSUFFICIENT_CREDITS: 409,
  LAST_SUPER_ADMIN: 409,
  CANNOT_DELETE_SELF: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

/** The code union of docs/errors.md#codes. */
export type ErrorCode = keyof typeof errorStatus;

/** All error codes, in table order. */
export const errorCodes = Object.keys(errorStatus) as ErrorCode[];

/** Short human titles, one per code (the problem+json `title`). */
export const errorTitles: Record<ErrorCode, string> = {
  VALIDATION_ERROR: 'Invalid request',
  INVALID_JSON: 'Malformed JSON',
  WEAK_PASSWORD: 'Password too weak',
  INVALID_CURRENT_PASSWORD: 'Current password is wrong',
  INVALID_VERIFICATION_CODE: 'Invalid verification code',
  UNAUTHENTICATED: 'Not signed in',
  INVALID_CREDENTIALS: 'Wrong email or password',
  ACCOUNT_SUSPENDED: 'Account suspended',
  ACCOUNT_INACTIVE: 'Account inactive',
  FORBIDDEN: 'Forbidden',
  FIELD_NOT_ALLOWED: 'Field not allowed',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  EMAIL_TAKEN: 'Email already in use',
  USERNAME_TAKEN: 'Username already in use',
  INSUFFICIENT_CREDITS: 'Insufficient credits',
  LAST_SUPER_ADMIN: 'Last super admin',
  CANNOT_DELETE_SELF: 'Cannot delete yourself',
  PRECONDITION_FAILED: 'Precondition failed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  RATE_LIMITED: 'Too many requests',
  INTERNAL_ERROR: 'Internal error',
  SERVICE_UNAVAILABLE: 'Service unavailable',
};

/** One failing input path, as listed in a VALIDATION_ERROR. `row` is set for import rows. */
export interface FieldError {
  path: string;
  message: string;
  code: string;
  row?: number;
}

/** Options of {@link UserkitError}. */
export interface UserkitErrorOptions {
  detail?: string;
  errors?: FieldError[];
  fields?: string[];
  /** Seconds, for RATE_LIMITED and SERVICE_UNAVAILABLE (the `Retry-After` header). */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * The error every userkit layer throws. The code decides the HTTP status through {@link errorStatus}.
 *
 * @example
 * ```ts
 * throw new UserkitError('FIELD_NOT_ALLOWED', { fields: ['credits'] });
 * ```
 */
export class UserkitError extends Error {
  override readonly name = 'UserkitError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly fields: string[] | undefined;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, options: UserkitErrorOptions = {}) {
    const detail = options.detail ?? errorTitles[code];
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = errorStatus[code];
    this.detail = detail;
    this.errors = options.errors;
    this.fields = options.fields;
    this.retryAfter = options.retryAfter;
  }
}

/** True when `value` is a {@link UserkitError}, optionally of one of the given codes. */
export function isUserkitError(value: unknown, ...codes: ErrorCode[]): value is UserkitError {
  return value instanceof UserkitError && (codes.length === 0 || codes.includes(value.code));
}
