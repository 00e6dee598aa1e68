/**
 * The handler's answers: building a {@link CoreResponse} (success or problem+json) and turning it
 * into what a fetch-style `Response` takes.
 */
import type { RouteSpec } from './contract';
import { errorStatus, type UserkitError } from './errors';
import { userEtag } from './etag';
import { problemContentType, toProblem } from './problem';
import type { CoreResponse } from './request-handler';

/** The headers every answer starts from (the handler adds the security headers to them). */
export const baseHeaders: Readonly<Record<string, string>> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * A string as is; a stream of text chunks as a `ReadableStream` of UTF-8 bytes, pulled one chunk
 * at a time (so slow clients hold back the producer); `null` as `null`.
 *
 * @example
 * ```ts
 * return new Response(toFetchBody(response.body), { status: response.status, headers: response.headers });
 * ```
 */
export function toFetchBody(body: CoreResponse['body']): string | ReadableStream<Uint8Array> | null {
  if (body === null || typeof body === 'string') return body;
  const iterator = body[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * A {@link CoreResponse} as a fetch `Response`, for adapters on Fetch runtimes.
 *
 * @example
 * ```ts
 * const response = await handler.handle(coreRequest);
 * return response ? toFetchResponse(response) : next();
 * ```
 */
export function toFetchResponse(response: CoreResponse): Response {
  return new Response(toFetchBody(response.body), { status: response.status, headers: response.headers });
}

/** The JSON answer of a route that succeeded (`ETag` and `Location` where the route declares them). */
export function successResponse(spec: RouteSpec, basePath: string, status: number, body: unknown, head: boolean, base: Readonly<Record<string, string>>): CoreResponse {
  const headers: Record<string, string> = { ...base };
  if (status === 204 || body === undefined) return { status, headers, body: null };
  headers['content-type'] = 'application/json; charset=utf-8';
  const user = body as { id?: number; version?: number };
  if (spec.success.etag && typeof user.id === 'number' && typeof user.version === 'number') headers['etag'] = userEtag({ id: user.id, version: user.version });
  if (spec.success.location && typeof user.id === 'number') headers['location'] = `${basePath}/users/${user.id}`;
  return { status, headers, body: head ? null : JSON.stringify(body) };
}

/** The problem+json response of an error, with the headers its code calls for. */
export function problemResponse(error: UserkitError, extra: Record<string, string> = {}): CoreResponse {
  return problemAnswer(error, baseHeaders, extra);
}

/** {@link problemResponse} over the given base headers (the handler's include the security headers). */
export function problemAnswer(error: UserkitError, base: Readonly<Record<string, string>>, extra?: Record<string, string>): CoreResponse {
  const headers: Record<string, string> = { ...base, 'content-type': problemContentType, ...extra };
  if (errorStatus[error.code] === 401) headers['www-authenticate'] = 'Bearer realm="userkit"';
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  else if (error.code === 'SERVICE_UNAVAILABLE') headers['retry-after'] = '5';
  return { status: errorStatus[error.code], headers, body: JSON.stringify(toProblem(error)) };
}
