/**
 * Translates driver errors (pg and PGlite) into {@link UserkitError}s. The result never carries
 * SQL, parameters or row values (PostgreSQL's `detail` repeats the failing row, password hash
 * included), only the SQLSTATE and the constraint name.
 */
import { UserkitError } from '@userkit/core';

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);
const unavailableMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end',
  'not queryable',
  'PGlite is closed',
  'driver has already been destroyed',
];
const creditConstraints = new Set(['users_credits_nonnegative', 'credit_transactions_balance_after_nonnegative']);

interface DriverError {
  code?: unknown;
  /** Set on errors the server sent (pg's and PGlite's `DatabaseError`). */
  severity?: unknown;
  constraint?: unknown;
  message?: unknown;
  errors?: unknown;
}

const asDriverError = (error: unknown): DriverError => (typeof error === 'object' && error !== null ? error : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function isUnavailable(error: unknown): boolean {
  const { code, message, errors } = asDriverError(error);
  const c = text(code);
  if (networkCodes.has(c) || unavailableStates.has(c) || c.startsWith('08')) return true;
  if (unavailableMessages.some((m) => text(message).includes(m))) return true;
  return Array.isArray(errors) && errors.some(isUnavailable);
}

/**
 * A deadlock (40P01) or serialization failure (40001): the transaction was rolled back and may
 * simply be run again. `KyselyUserRepository.transaction` retries it a few times; if it still
 * fails, callers see SERVICE_UNAVAILABLE (503 with Retry-After).
 */
export class TransactionConflictError extends UserkitError {
  constructor(state: string) {
    super('SERVICE_UNAVAILABLE', { detail: 'The database is busy; try again', retryAfter: 1, cause: new Error(`database error ${state}`) });
  }
}

/**
 * Maps `error` to the {@link UserkitError} the repository contract promises, or returns it as is
 * when it is no database error (a UserkitError, or a bug in calling code).
 *
 * - unique violation (23505) on an email index → EMAIL_TAKEN, on a username index → USERNAME_TAKEN
 * - check violation (23514) of the credit rules → INSUFFICIENT_CREDITS
 * - unreachable or shutting-down server → SERVICE_UNAVAILABLE
 * - deadlock or serialization failure → {@link TransactionConflictError} (retried by transactions)
 * - any other SQLSTATE → INTERNAL_ERROR whose `cause` names only the SQLSTATE and constraint
 *
 * @example
 * ```ts
 * try {
 *   await db.insertInto('users').values(row).execute();
 * } catch (error) {
 *   throw mapDatabaseError(error);
 * }
 * ```
 */
export function mapDatabaseError(error: unknown): unknown {
  if (error instanceof UserkitError) return error;
  if (isUnavailable(error)) {
    const { code } = asDriverError(error);
    return new UserkitError('SERVICE_UNAVAILABLE', {
      detail: 'The database is unreachable',
      cause: new Error(`database unavailable${text(code) ? ` (${text(code)})` : ''}`),
    });
  }
  const { code, constraint, severity } = asDriverError(error);
  const state = text(code);
  if (!/^[0-9A-Z]{5}$/.test(state) || typeof severity !== 'string') return error;
  const name = text(constraint);
  if (state === '40P01' || state === '40001') return new TransactionConflictError(state);
  if (state === '23505' && name.includes('email')) return new UserkitError('EMAIL_TAKEN', { detail: 'This email is already in use' });
  if (state === '23505' && name.includes('username')) return new UserkitError('USERNAME_TAKEN', { detail: 'This username is already in use' });
  if (state === '23514' && creditConstraints.has(name)) return new UserkitError('INSUFFICIENT_CREDITS');
  return new UserkitError('INTERNAL_ERROR', {
    detail: 'The database rejected the operation',
    cause: new Error(`database error ${state}${name ? ` on ${name}` : ''}`),
  });
}

/** Runs one unit of database work, mapping its failure with {@link mapDatabaseError}. */
export async function runMapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw mapDatabaseError(error);
  }
}
