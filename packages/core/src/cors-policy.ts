/**
 * Cross-origin requests (docs/api.md, "CORS"): which browser origins may call the API, answered
 * once here for both faces of the handler, so no adapter repeats it.
 *
 * - A listed origin gets `Access-Control-Allow-Origin: <origin>` (never `*`), the exposed
 *   response headers, and `Access-Control-Allow-Credentials: true` when credentials are on.
 * - A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from a listed origin
 *   is answered 204 with the allowed methods and request headers.
 * - Any other origin gets no CORS header at all, so the browser refuses to hand it the response.
 * - Every API response carries `Vary: Origin`: the headers depend on it, and a shared cache must
 *   not serve one origin's answer to another.
 */
import type { CoreRequest, CoreResponse } from './request-handler';

/** Who may call the API from a browser page on another origin. */
export interface CorsOptions {
  /**
   * The allowed origins (`https://app.example.com`, `http://localhost:5173`: scheme, host and
   * port, no path), or a predicate over the request's `Origin`. `['*']` allows every origin
   * (a public, token-only API); it is refused together with `credentials`, since any site could
   * then make requests with the user's cookies.
   */
  origins: readonly string[] | ((origin: string) => boolean);
  /**
   * Send `Access-Control-Allow-Credentials: true`, so the browser sends and accepts cookies
   * (cookie sessions). Default false: bearer tokens need no credentials mode.
   */
  credentials?: boolean;
  /** How long, in seconds, a browser may cache a preflight answer. Default 600. */
  maxAge?: number;
}

/** Request headers a page may send: the API's own, plus the CSRF header of cookie sessions. */
export const corsAllowedHeaders = ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key', 'X-Request-Id', 'X-Userkit-CSRF'] as const;
/** Response headers a page may read besides the CORS-safelisted ones. */
export const corsExposedHeaders = ['Retry-After', 'ETag', 'Location', 'X-Request-Id'] as const;
/** Methods of the API, offered when the path's own are not known. */
const apiMethods = 'GET, HEAD, POST, PUT, PATCH, DELETE';

/** Applies a {@link CorsOptions} to the handler's answers. */
export interface CorsPolicy {
  /**
   * The answer to send for `request` given the handler's `response`: a preflight from an allowed
   * origin becomes 204; any other response gets the CORS headers its origin is due.
   */
  apply(request: CoreRequest, response: CoreResponse): CoreResponse;
  /** Whether a browser page on `origin` may read the API's answers. */
  allows(origin: string): boolean;
}

/** The origin of a configured entry, normalised as browsers send it; throws on anything else. */
function normaliseOrigin(entry: string): string {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new TypeError(`cors.origins: not an origin: ${entry} (list each origin as scheme://host[:port])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`cors.origins: ${entry} is not an http(s) origin`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) throw new TypeError(`cors.origins: ${entry} has more than an origin (scheme://host[:port])`);
  return url.origin;
}

/**
 * Builds the policy of `options`.
 *
 * @example
 * ```ts
 * const cors = createCorsPolicy({ origins: ['https://app.example.com'], credentials: true });
 * cors.allows('https://app.example.com'); // true
 * ```
 */
export function createCorsPolicy(options: CorsOptions): CorsPolicy {
  const maxAge = options.maxAge ?? 600;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError('cors.maxAge: a whole number of seconds, 0 or more');
  const anyOrigin = typeof options.origins !== 'function' && options.origins.includes('*');
  if (anyOrigin && options.credentials) throw new TypeError("cors: origins '*' with credentials would let any site act with the user's cookies; list the origins");
  const listed = typeof options.origins === 'function' || anyOrigin ? undefined : new Set(options.origins.map(normaliseOrigin));
  const predicate = typeof options.origins === 'function' ? options.origins : undefined;

  // An opaque origin (`null`: sandboxed frames, file: pages, some redirects) is never allowed:
  // anyone can produce it, so allowing it would allow everyone.
  const allows = (origin: string) => origin !== 'null' && (anyOrigin || (listed ? listed.has(origin.toLowerCase()) : predicate?.(origin) === true));

  function apply(request: CoreRequest, response: CoreResponse): CoreResponse {
    const headers: Record<string, string> = { ...response.headers, vary: response.headers['vary'] ? `${response.headers['vary']}, Origin` : 'Origin' };
    const origin = request.header('origin');
    if (origin === undefined || !allows(origin)) return { ...response, headers };
    headers['access-control-allow-origin'] = origin;
    if (options.credentials) headers['access-control-allow-credentials'] = 'true';
    const preflight = request.method.toUpperCase() === 'OPTIONS' && request.header('access-control-request-method') !== undefined;
    if (!preflight) {
      headers['access-control-expose-headers'] = corsExposedHeaders.join(', ');
      return { ...response, headers };
    }
    // The router answered the preflight 405 with the path's methods in `Allow` (or 404 for an
    // unknown path): a preflight is not a call, so it becomes 204 with what the page may send.
    const allowed: Record<string, string> = {
      'cache-control': 'no-store',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      'access-control-allow-origin': origin,
      'access-control-allow-methods': response.headers['allow'] ?? apiMethods,
      'access-control-allow-headers': corsAllowedHeaders.join(', '),
      'access-control-max-age': String(maxAge),
    };
    if (options.credentials) allowed['access-control-allow-credentials'] = 'true';
    return { status: 204, headers: allowed, body: null };
  }

  return { apply, allows };
}
