/**
 * Reads and parses request bodies with a size limit (docs/errors.md#codes: PAYLOAD_TOO_LARGE, INVALID_JSON,
 * UNSUPPORTED_MEDIA_TYPE).
 */
import { UserkitError } from './errors';

/** A request body as the adapters hand it over. */
export type BodySource = AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array>;

/** One mebibyte, the default body limit. */
export const defaultBodyLimit = 1024 * 1024;

function tooLarge(limit: number): UserkitError {
  return new UserkitError('PAYLOAD_TOO_LARGE', { detail: `The body is larger than ${limit} bytes` });
}

/** Past the limit, up to this many times the limit is still read and dropped so clients see the 413. */
const drainFactor = 4;

/**
 * Reads a whole body, keeping at most `limit` bytes. A body over the limit is refused with
 * PAYLOAD_TOO_LARGE; a moderately oversized one is drained first, so the client (still sending)
 * reads the answer instead of a reset connection.
 */
export async function readBody(source: BodySource | null | undefined, limit: number, declaredLength?: string): Promise<Uint8Array> {
  const declared = declaredLength === undefined ? undefined : Number(declaredLength);
  if (declared !== undefined && declared > limit * drainFactor) throw tooLarge(limit);
  if (!source) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  const incomplete = () => new UserkitError('INVALID_JSON', { detail: 'The body ended before it was complete' });
  for await (const chunk of clientChunks(source as AsyncIterable<Uint8Array | string>, incomplete)) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > limit * drainFactor) throw tooLarge(limit);
    if (size <= limit) chunks.push(bytes);
  }
  if (size > limit) throw tooLarge(limit);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * The chunks of a request body. A stream that fails part-way (the client hung up, the connection
 * broke) ends with the 4xx error `incomplete()` makes instead: the client's fault, never an
 * internal error.
 */
export async function* clientChunks<T>(source: AsyncIterable<T>, incomplete: () => UserkitError): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        done = true;
        if (error instanceof UserkitError) throw error;
        throw incomplete();
      }
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // The reader stopped early (a limit, a parse error): let the source clean up, as for-await would.
    if (!done) await iterator.return?.();
  }
}

/** True for `application/json` and `application/*+json`, with any parameters. */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Parses UTF-8 JSON, or throws INVALID_JSON. */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new UserkitError('INVALID_JSON', { detail: 'The body is not valid JSON' });
  }
}

/** Throws UNSUPPORTED_MEDIA_TYPE unless the content type is JSON. */
export function assertJson(contentType: string | undefined): void {
  if (!isJsonContentType(contentType)) {
    throw new UserkitError('UNSUPPORTED_MEDIA_TYPE', { detail: 'Send the body as application/json' });
  }
}
