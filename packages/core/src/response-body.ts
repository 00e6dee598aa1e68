/** Turns a {@link CoreResponse} (body) into what a fetch-style `Response` takes. */
import type { CoreResponse } from './request-handler';

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
