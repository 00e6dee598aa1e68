/**
 * A raw HTTP client for the fuzzer: any method, repeated headers, any bytes, chunked or not, from
 * a chosen loopback address, with a timeout. The harness's `request` cannot send repeated headers
 * or leave the content type out on purpose. One connection per request (no keep-alive), so a
 * connection the server closes after an early answer never fails the next request.
 */
import { request as httpRequest } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Uint8Array | undefined;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
  /** Loopback source address, so rate limits see several clients. */
  localAddress?: string;
}

export interface RawResponse {
  status: number;
  /** Header name (lower case) → value; repeated headers joined with `, `. */
  headers: Record<string, string>;
  text: string;
  /** Milliseconds the request took. */
  ms: number;
}

/** Sends one request to `baseUrl`; rejects on a connection error or after `timeoutMs`. */
export function send(baseUrl: string, req: RawRequest, timeoutMs = 60_000): Promise<RawResponse> {
  const started = performance.now();
  const headers: Record<string, string | string[]> = { ...req.headers };
  if (req.body !== undefined && !req.chunked) headers['content-length'] = String(req.body.byteLength);
  if (req.chunked) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      `${baseUrl}${req.path}`,
      { method: req.method, headers, agent: false, ...(req.localAddress ? { localAddress: req.localAddress } : {}), timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started });
        };
        // A live stream (Server-Sent Events) never ends by itself: its answer is its first event,
        // then this client goes away (which the server must take in its stride).
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          res.once('data', (c: Buffer) => {
            chunks.push(c);
            finish();
            r.destroy();
          });
          // A stream with no body (HEAD) ends at once.
          res.on('end', finish);
          res.on('error', () => {});
          return;
        }
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', finish);
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    // Past the answer (a 413 sent before the whole body was read), a write error is expected.
    r.on('socket', (socket) => socket.on('error', () => {}));
    if (req.body === undefined) return void r.end();
    if (!req.chunked) return void r.end(req.body);
    const piece = 64 * 1024;
    for (let i = 0; i < req.body.byteLength; i += piece) r.write(req.body.subarray(i, i + piece));
    r.end();
  });
}
