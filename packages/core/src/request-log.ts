/**
 * What the handler tells about each request: one {@link RequestEvent} per answered request and
 * {@link SecurityEvent}s derived from it (sign-in failures, throttling, rejected tokens, denied
 * permissions, imports and exports). They are derived here, from the outcome (route and error
 * code), so every adapter reports them the same way.
 *
 * Redaction is by construction: an event is built from a fixed list of fields (request id,
 * method, route pattern, status, duration, user id, error code, client address) — never a body,
 * a query string or a header other than `X-Request-Id`. A logger can therefore print events as
 * they are.
 *
 * Browser-safe and dependency-free: the logger is any object with pino's `info`/`warn`/`error`
 * shape, and `onRequestComplete` is a plain callback (metrics).
 */
import type { ErrorCode } from './errors';

/** A logger with pino's call shape (`logger.info(object, message)`): pino, or anything alike. */
export interface RequestLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** One answered request. Every field is safe to log. */
export interface RequestEvent {
  /** The `X-Request-Id` answered (the caller's when well-formed, else generated). */
  requestId: string;
  method: string;
  /** The route pattern (`/users/{id}`), or undefined when no route matched. */
  route: string | undefined;
  /** The contract's name of the route (`getUser`), or undefined when no route matched. */
  routeName: string | undefined;
  status: number;
  /** Milliseconds until the response head was ready (a streamed body goes on after it). */
  durationMs: number;
  /** The signed-in caller, when known. */
  userId: number | undefined;
  /** The problem code of a failure. */
  errorCode: ErrorCode | undefined;
  /** The client address the rate limits used (after `trustProxy`). */
  address: string | undefined;
  /** Whether the request carried an `Authorization` header (tells a bad token from none). */
  credentials: boolean;
}

/** The kinds of {@link SecurityEvent}. */
export type SecurityEventKind = 'sign_in_failed' | 'throttled' | 'token_rejected' | 'permission_denied' | 'users_imported' | 'users_exported' | 'code_rejected';

/** A security-relevant outcome, logged as its own line. */
export interface SecurityEvent {
  event: SecurityEventKind;
  requestId: string;
  route: string | undefined;
  userId: number | undefined;
  address: string | undefined;
  errorCode: ErrorCode | undefined;
}

/** The request id of a request: the caller's `X-Request-Id` when well-formed, else a new UUID. */
export function requestIdOf(header: string | undefined): string {
  // Printable token characters only, bounded: the id is echoed in a header and written to logs.
  if (header !== undefined && /^[A-Za-z0-9._:@/+=-]{1,128}$/.test(header)) return header;
  return globalThis.crypto.randomUUID();
}

/** The security events an answered request stands for (most requests: none). */
export function securityEventsOf(event: RequestEvent): SecurityEvent[] {
  const kinds: SecurityEventKind[] = [];
  const code = event.errorCode;
  if (code === 'RATE_LIMITED') kinds.push('throttled');
  else if (event.routeName === 'login' && (code === 'INVALID_CREDENTIALS' || code === 'ACCOUNT_SUSPENDED' || code === 'ACCOUNT_INACTIVE')) kinds.push('sign_in_failed');
  else if (code === 'INVALID_VERIFICATION_CODE') kinds.push('code_rejected');
  // A 401 on a signed-in route with credentials sent: the token was invalid, expired or revoked.
  else if (code === 'UNAUTHENTICATED' && event.credentials) kinds.push('token_rejected');
  else if (code === 'FORBIDDEN' || code === 'FIELD_NOT_ALLOWED') kinds.push('permission_denied');
  if (event.status < 400 && event.routeName === 'importUsers') kinds.push('users_imported');
  if (event.status < 400 && event.routeName === 'exportUsers') kinds.push('users_exported');
  return kinds.map((kind) => ({ event: kind, requestId: event.requestId, route: event.route, userId: event.userId, address: event.address, errorCode: code }));
}

/** The log record of a request: the whitelisted fields only, in pino's usual names. */
export function requestRecord(event: RequestEvent): Record<string, unknown> {
  const record: Record<string, unknown> = {
    reqId: event.requestId,
    method: event.method,
    route: event.route ?? null,
    status: event.status,
    durationMs: Math.round(event.durationMs * 10) / 10,
  };
  if (event.userId !== undefined) record['userId'] = event.userId;
  if (event.errorCode !== undefined) record['code'] = event.errorCode;
  return record;
}

/** Writes a request and its security events to a logger: 5xx as errors (503: warnings), security events as warnings. */
export function logRequest(logger: RequestLogger, event: RequestEvent): void {
  const record = requestRecord(event);
  const message = `${event.method} ${event.route ?? '(no route)'} ${event.status}`;
  // 503 is an expected state (starting, shutting down, overloaded, database away): a warning.
  if (event.errorCode === 'SERVICE_UNAVAILABLE') logger.warn(record, message);
  else if (event.status >= 500) logger.error(record, message);
  else logger.info(record, message);
  for (const security of securityEventsOf(event)) {
    const { requestId, errorCode, ...rest } = security;
    logger.warn({ reqId: requestId, ...withoutUndefined({ ...rest, code: errorCode }) }, `security: ${security.event}`);
  }
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** What the handler learns about a request while answering it. */
export interface RequestTrace {
  route?: string;
  routeName?: string;
  userId?: number | undefined;
  errorCode?: ErrorCode;
}

/** A request as the log needs it (a subset of the handler's `CoreRequest`). */
interface LoggedRequest {
  method: string;
  header(name: string): string | undefined;
}

/**
 * What the handler calls once per answer: sets `X-Request-Id` on it and, when a logger or observer
 * is given, tells them the {@link RequestEvent}. A failing logger never fails a request. A plain
 * function called after answering, not a wrapper around it: the hot path keeps one async layer.
 *
 * @example
 * ```ts
 * const record = createRequestLog({ logger, clientAddress, onError });
 * const started = performance.now();
 * const response = await answer(request, trace);
 * if (response) record(request, response, trace, started);
 * ```
 */
export function createRequestLog<R extends LoggedRequest>(options: {
  logger?: RequestLogger | undefined;
  onRequestComplete?: ((event: RequestEvent) => void) | undefined;
  clientAddress: (request: R) => string | undefined;
  onError: (error: unknown) => void;
}): (request: R, response: { status: number; headers: Record<string, string> }, trace: RequestTrace, started: number) => void {
  const { logger, onRequestComplete } = options;
  return (request, response, trace, started) => {
    const requestId = requestIdOf(request.header('x-request-id'));
    response.headers['x-request-id'] = requestId;
    if (!logger && !onRequestComplete) return;
    const event: RequestEvent = {
      requestId,
      method: request.method.toUpperCase(),
      route: trace.route,
      routeName: trace.routeName,
      status: response.status,
      durationMs: performance.now() - started,
      userId: trace.userId,
      errorCode: trace.errorCode,
      address: options.clientAddress(request),
      credentials: request.header('authorization') !== undefined,
    };
    try {
      if (logger) logRequest(logger, event);
      onRequestComplete?.(event);
    } catch (error) {
      options.onError(error);
    }
  };
}
