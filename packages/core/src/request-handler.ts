/**
 * The framework-free request handler: routing from the contract, authentication, body parsing,
 * rate limits, the operation, and problem+json for every failure. It knows no route by name: what
 * a route needs is declared in the contract and its operation. Fetch runtimes call its `fetch`
 * face; adapters with their own request objects translate them into a {@link CoreRequest} and the
 * {@link CoreResponse} back.
 */
import { apiDocsResponse, type ApiDocsAssets } from './api-docs';
import type { Authenticator } from './authenticator';
import { assertJson, clientChunks, defaultBodyLimit, parseJson, readBody, type BodySource } from './body-reader';
import { contract, type RouteName, type RouteSpec } from './contract';
import { createCorsPolicy, type CorsOptions } from './cors-policy';
import { UserkitError, isUserkitError } from './errors';
import type { JwtTokens } from './jwt-tokens';
import { createOpenApiDocument } from './openapi-document';
import { defaultImportLimits, type ImportLimits } from './import-schema';
import { importContentType } from './user-import';
import { LiveStats, publishChanges } from './live-stats';
import { MemoryChangeFeed, type ChangeFeed } from './change-feed';
import { operations, type OperationContext, type OperationRun } from './operations';
import { RateLimiter } from './rate-limiter';
import { baseHeaders, problemAnswer, successResponse, toFetchResponse } from './response-body';
import { createRouter } from './router';
import { addSecurityHeaders, securityHeaders, type HstsOptions } from './security-headers';
import { MemoryRateLimitStore, type RateLimitSettings, type RateLimitStore } from './rate-limit-store';
import { createClientAddressResolver, type TrustProxy } from './client-address';
import { createRequestLog, type RequestEvent, type RequestLogger, type RequestTrace } from './request-log';
import { SessionCookie, csrfOrigins, type CsrfOptions, type SessionCookieOptions } from './session-cookie';
import type { UserService } from './user-service';
import type { UserRecord } from './user-record';
import { defaultAuthenticator, guardOver, type UserGuard } from './user-guard';
import { fieldErrorsOf, isPlainObject } from './validation';

/** A request as an adapter hands it over. */
export interface CoreRequest {
  method: string;
  /** Path and query (`/api/users?limit=5`) or an absolute URL. */
  url: string;
  /** Header lookup by lower-case name. */
  header(name: string): string | undefined;
  /** The raw body, if the framework has not read it. */
  body?: BodySource | null | undefined;
  /** The body, if the framework already parsed it as JSON (e.g. `express.json()`). */
  parsedBody?: { value: unknown } | undefined;
  /** The peer address of the connection. */
  remoteAddress?: string | undefined;
  /** Aborts when the client goes away (ends streams). */
  signal?: AbortSignal | undefined;
}

/** A response for the adapter to send. */
export interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialised body, a stream of text chunks (exports), or null for none. */
  body: string | AsyncIterable<string> | null;
}

export interface UserkitHandlerOptions {
  service: UserService;
  /** Issues tokens at login and, unless `authenticator` is given, verifies them. */
  tokens: JwtTokens;
  /** Who calls; default: bearer JWT from `tokens`, user loaded on every request. */
  authenticator?: Authenticator;
  /** Where the API is mounted. Default `/api`. */
  basePath?: string;
  /** Serve requests whose Host starts with `api.` at the root as if under `basePath` (docs/api.md#base-path-and-the-api-host). Default true. */
  apiHost?: boolean;
  /** Largest accepted JSON body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Limits of `POST /users/import` (bytes, rows, reported errors). Default 64 MiB, 200 000 rows. */
  importLimits?: Partial<ImportLimits>;
  /** Where rate-limit counters live. Default: in memory (one process); `@userkit/redis` shares them. */
  rateLimitStore?: RateLimitStore;
  /** Limits per bucket over the defaults; `false` (all) or a bucket's `false` turns limits off. */
  rateLimits?: RateLimitSettings;
  /** Which hops are your proxies, so the client address is read from `X-Forwarded-For`/`Forwarded`. Default: off (the socket peer). */
  trustProxy?: TrustProxy;
  /** Extra readiness checks (e.g. migrations applied); throw to report not ready. The repository is always pinged. */
  readiness?: () => Promise<void>;
  /** Called with every unexpected error (answered as INTERNAL_ERROR). Default: `console.error` of name and message. */
  onError?: (error: unknown) => void;
  /** Public URL of the API for the OpenAPI `servers` entry. Default: `basePath`. */
  publicUrl?: string;
  /** Send `Strict-Transport-Security` (only when the API is served over HTTPS). Default: off. */
  hsts?: HstsOptions | false;
  /** Browser origins allowed to call the API (docs/api.md, "CORS"). Default: none (no CORS headers). */
  cors?: CorsOptions;
  /** Logs one line per request and one per security event (see request-log.ts); pino fits. Default: none. */
  logger?: RequestLogger;
  /** Serves the API reference UI at `{basePath}/docs` from these files (see api-docs.ts). Default: not served. */
  docs?: ApiDocsAssets;
  /**
   * How instances hear of each other's changes, for `GET /users/stats/stream`. Default: in
   * memory (one process); `PgChangeFeed` (@userkit/kysely) or `RedisChangeFeed` (@userkit/redis)
   * for several (docs/operations.md, "Live statistics").
   */
  changeFeed?: ChangeFeed;
  /** Aborting it ends every open stream (graceful shutdown: long-lived streams would hold it up). */
  streamsSignal?: AbortSignal;
  /** Called with every answered request, after it is answered (metrics). */
  onRequestComplete?: (event: RequestEvent) => void;
  /**
   * Browser mode (docs/sessions.md): carry the refresh token in an HttpOnly cookie instead of the
   * body (`true` for the defaults). Default off.
   */
  sessionCookie?: SessionCookieOptions | boolean;
  /** CSRF checks of cookie-authenticated writes (browser mode): allowed origins and the required header. */
  csrf?: CsrfOptions;
}

/** What the Fetch face takes besides the request. */
export interface FetchContext<T = never> {
  /** The peer address of the connection (rate limits), when the runtime tells it. */
  remoteAddress?: string | undefined;
  /**
   * Called for a request whose path is not under the API (middleware passes it on). Without it,
   * such requests answer 404 NOT_FOUND as problem+json.
   */
  next?: () => T | Promise<T>;
}

/**
 * The handler. `handle` is its core face (adapters with their own request objects, such as
 * Express on Node); `fetch` is its Fetch face (Hono, msw, Next.js route handlers, Bun, Deno,
 * workers).
 */
export interface UserkitHandler {
  /** Answers a request, or `undefined` when its path is not under the API. */
  handle(request: CoreRequest): Promise<CoreResponse | undefined>;
  /**
   * Answers a Fetch `Request` with a `Response`.
   *
   * @example
   * ```ts
   * export const GET = (request: Request) => handler.fetch(request); // a Next.js route handler
   * Bun.serve({ fetch: (request, server) => handler.fetch(request, { remoteAddress: server.requestIP(request)?.address }) });
   * ```
   */
  fetch<T = never>(request: Request, context?: FetchContext<T>): Promise<Response | T>;
  /** Guards the app's own routes with this handler's authenticator and revocation rules (docs/guards.md). */
  readonly guard: UserGuard;
  readonly basePath: string;
}

/** A contract route with what the handler needs of it, compiled once. */
interface CompiledRoute extends RouteSpec {
  name: RouteName;
  run: OperationRun;
  loadsTarget: boolean;
  /** The path as logs and metrics name it: `/users/{id}`. */
  pattern: string;
}

const router = createRouter<CompiledRoute>(
  (Object.entries(contract) as [RouteName, RouteSpec][]).map(([name, spec]) => ({
    ...spec,
    name,
    run: operations[name].run,
    loadsTarget: operations[name].loadsTarget ?? false,
    pattern: spec.path.replace(/:([a-z_]+)/g, '{$1}'),
  })),
);

/**
 * The path and query of a request target, or undefined when it is none: neither a path nor an
 * absolute URL (`*`), unparseable, or a path starting with `//` (which reads as a host name, not a
 * path). Neither this API nor the host app serves such a target, so the handler answers it itself,
 * as problem+json, rather than pass it on.
 */
function parseTarget(target: string): URL | undefined {
  if (target.startsWith('//') || (!target.startsWith('/') && !/^https?:\/\//i.test(target))) return undefined;
  let url: URL;
  try {
    url = new URL(target, 'http://localhost');
  } catch {
    return undefined;
  }
  return url.pathname.startsWith('//') ? undefined : url;
}

/**
 * Builds the handler every adapter wraps.
 *
 * @example
 * ```ts
 * const handler = createUserkitHandler({ service, tokens: new JwtTokens({ secret }) });
 * const response = await handler.fetch(new Request('http://localhost/api/health'));
 * ```
 */
export function createUserkitHandler(options: UserkitHandlerOptions): UserkitHandler {
  const basePath = (options.basePath ?? '/api').replace(/\/+$/, '');
  const apiHost = options.apiHost ?? true;
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  const authenticator = defaultAuthenticator(options);
  const limiter = new RateLimiter(options.rateLimitStore ?? new MemoryRateLimitStore(), options.rateLimits);
  const clientAddress = createClientAddressResolver(options.trustProxy);
  const cors = options.cors && createCorsPolicy(options.cors);
  const origins = csrfOrigins(options);
  const sessionCookie = options.sessionCookie
    ? new SessionCookie(options.sessionCookie === true ? {} : options.sessionCookie, basePath, origins ? { ...options.csrf, origins } : (options.csrf ?? {}))
    : undefined;
  const onError = options.onError ?? ((error: unknown) => console.error('userkit: unexpected error', error instanceof Error ? `${error.name}: ${error.message}` : typeof error));
  let openapi: unknown;
  const changeFeed = options.changeFeed ?? new MemoryChangeFeed();
  publishChanges(options.service.events, changeFeed, { onError });
  const liveStats = new LiveStats({ stats: (actor) => options.service.stats(actor), feed: changeFeed, onError, signal: options.streamsSignal });
  const document = () => (openapi ??= createOpenApiDocument({ serverUrl: options.publicUrl ?? basePath }));

  const ready = async (): Promise<Record<string, string>> => {
    try {
      await options.service.repository.ping();
      await options.readiness?.();
    } catch (error) {
      // Not ready, whatever the reason: answer 503 so load balancers take this instance out.
      if (isUserkitError(error, 'SERVICE_UNAVAILABLE')) throw error;
      onError(error);
      throw new UserkitError('SERVICE_UNAVAILABLE', { detail: 'Not ready: a readiness check failed', cause: error });
    }
    return { database: 'ok' };
  };

  const security = securityHeaders(options.hsts);
  // Every answer's headers start as a copy of these: one clone of a fixed shape per request, where
  // adding the security headers one by one to each answer cost more than building the rest of it.
  const base: Readonly<Record<string, string>> = { ...security, ...baseHeaders };
  const problem = (error: UserkitError, extra?: Record<string, string>) => problemAnswer(error, base, extra);
  // Each answer gets an X-Request-Id and is told to the logger and observer (request-log.ts).
  const recordRequest = createRequestLog({ ...options, clientAddress, onError });
  /** Every answer leaves through here: the one place the security headers are added. */
  async function handle(request: CoreRequest): Promise<CoreResponse | undefined> {
    const started = performance.now();
    const trace: RequestTrace = {};
    const answered = await answer(request, trace);
    if (!answered) return answered;
    recordRequest(request, answered, trace, started);
    // CORS applies to the API's answers only; a path passed on to the app is the app's to answer.
    const response = cors ? cors.apply(request, answered) : answered;
    // Answers built here start from `base`; a CORS preflight answer is built by the policy.
    if (response.headers['x-content-type-options'] === undefined) addSecurityHeaders(response.headers, security);
    return response;
  }

  async function answer(request: CoreRequest, trace: RequestTrace): Promise<CoreResponse | undefined> {
    const url = parseTarget(request.url);
    if (!url) {
      // `OPTIONS *` asks about the server as a whole: well-formed, and the host app's to answer.
      if (request.url === '*' && request.method.toUpperCase() === 'OPTIONS') return undefined;
      trace.errorCode = 'VALIDATION_ERROR';
      return problem(new UserkitError('VALIDATION_ERROR', { detail: 'The request target is not a valid path' }));
    }
    let pathname = url.pathname;
    // Fetch-style requests (msw, some runtimes) carry the host only in an absolute URL.
    const host = request.header('host') ?? (/^https?:\/\//i.test(request.url) ? url.host : '');
    if (apiHost && /^api\./i.test(host) && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) pathname = `${basePath}${pathname === '/' ? '' : pathname}`;
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return undefined;
    const relative = pathname.slice(basePath.length) || '/';
    const method = request.method.toUpperCase();

    try {
      const docs = options.docs ? await apiDocsResponse(relative, method, options.docs) : undefined;
      if (docs) return (trace.route = docs.route), { status: docs.status, headers: { ...base, ...docs.headers }, body: docs.body };
      const match = router.match(method, relative);
      const route = match.route;
      if (!route) {
        if (match.allow.length === 0) throw new UserkitError('NOT_FOUND', { detail: `No route ${method} ${pathname}` });
        const allow = match.allow.join(', ');
        trace.errorCode = 'METHOD_NOT_ALLOWED';
        return problem(new UserkitError('METHOD_NOT_ALLOWED', { detail: `Use ${allow}` }), { allow });
      }
      trace.route = route.pattern;
      trace.routeName = route.name;
      // The params schema is the one rule for path parameters; it is read before authentication so
      // a valid id can be loaded with the caller, and its failure reported after the access checks.
      const params = route.params?.safeParse(match.params);
      let actor: UserRecord | undefined;
      let target: UserRecord | null | undefined;
      if (route.access !== 'public') {
        const targetId = route.loadsTarget && params?.success ? (params.data as { id?: number }).id : undefined;
        if (targetId !== undefined && authenticator.authenticateWith) ({ actor, other: target } = await authenticator.authenticateWith(request, targetId));
        else actor = await authenticator.authenticate(request);
        trace.userId = actor?.id;
        if (!actor) throw new UserkitError('UNAUTHENTICATED', { detail: 'Sign in and send Authorization: Bearer <token>' });
        if (route.access === 'admin' && actor.user_type !== 'admin') throw new UserkitError('FORBIDDEN', { detail: 'Admins only' });
      }
      if (params && !params.success) throw new UserkitError('VALIDATION_ERROR', { detail: 'The path has invalid parameters', errors: fieldErrorsOf(params.error) });
      const body = route.body ? await readJsonBody(request, bodyLimit) : undefined;
      let upload: AsyncIterable<Uint8Array | string> | undefined;
      if (route.upload) {
        importContentType(request.header('content-type'));
        const maxBytes = options.importLimits?.maxBytes ?? defaultImportLimits.maxBytes;
        if (Number(request.header('content-length') ?? 0) > maxBytes) throw new UserkitError('PAYLOAD_TOO_LARGE', { detail: `The import is larger than ${maxBytes} bytes` });
        const incomplete = () =>
          new UserkitError('VALIDATION_ERROR', { detail: 'The upload ended before it was complete', errors: [{ path: 'body', message: 'The upload ended before it was complete', code: 'incomplete_body' }] });
        upload = request.body ? clientChunks(request.body as AsyncIterable<Uint8Array | string>, incomplete) : undefined;
      }
      const context: OperationContext = {
        service: options.service,
        tokens: options.tokens,
        actor,
        params: params?.success ? (params.data as OperationContext['params']) : {},
        query: url.search === '' ? {} : queryObject(url.searchParams),
        body,
        upload,
        importLimits: options.importLimits ?? {},
        header: request.header,
        openapi: document,
        ready,
        target,
        clientAddress: () => clientAddress(request),
        sessionCookie,
        liveStats,
        signal: request.signal,
      };
      const result = route.rateLimit
        ? await limiter.run(route.rateLimit, { email: emailOf(body), address: clientAddress(request) }, () => route.run(context))
        : await route.run(context);
      if (result.stream) {
        const headers: Record<string, string> = { ...base, 'content-type': result.stream.contentType };
        Object.assign(headers, result.stream.headers);
        if (result.stream.filename) headers['content-disposition'] = `attachment; filename="${result.stream.filename}"`;
        return { status: result.status ?? route.success.status, headers, body: method === 'HEAD' ? null : result.stream.chunks };
      }
      const response = successResponse(route, basePath, result.status ?? route.success.status, result.body, method === 'HEAD', base);
      if (result.headers) Object.assign(response.headers, result.headers);
      return response;
    } catch (error) {
      trace.errorCode = isUserkitError(error) ? error.code : 'INTERNAL_ERROR';
      if (isUserkitError(error)) return problem(error);
      onError(error);
      return problem(new UserkitError('INTERNAL_ERROR', { detail: 'Something went wrong on our side' }));
    }
  }

  async function fetch<T = never>(request: Request, context: FetchContext<T> = {}): Promise<Response | T> {
    const { headers } = request;
    const response = await handle({
      method: request.method,
      url: request.url,
      header: (name) => headers.get(name) ?? undefined,
      body: request.body,
      remoteAddress: context.remoteAddress,
      signal: request.signal,
    });
    if (response) return toFetchResponse(response);
    if (context.next) return context.next();
    return toFetchResponse(problem(new UserkitError('NOT_FOUND', { detail: `No route ${request.method} ${new URL(request.url).pathname}` })));
  }

  return { handle, fetch, guard: guardOver(authenticator), basePath };
}

async function readJsonBody(request: CoreRequest, limit: number): Promise<unknown> {
  if (request.parsedBody) {
    // The host framework read the body; its size still counts against our limit (declared, or
    // measured on the parsed value for chunked bodies).
    const declared = request.header('content-length');
    const size = declared !== undefined ? Number(declared) : new TextEncoder().encode(JSON.stringify(request.parsedBody.value) ?? '').byteLength;
    if (size > limit) throw new UserkitError('PAYLOAD_TOO_LARGE', { detail: `The body is larger than ${limit} bytes` });
    return request.parsedBody.value;
  }
  assertJson(request.header('content-type'));
  return parseJson(await readBody(request.body, limit, request.header('content-length')));
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function emailOf(body: unknown): string | undefined {
  return isPlainObject(body) && typeof body['email'] === 'string' ? body['email'].trim().toLowerCase().slice(0, 320) : undefined;
}
