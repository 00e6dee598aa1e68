/**
 * The framework-free request handler: routing from the contract, authentication, body parsing,
 * rate limits, the operation, and problem+json for every failure. Adapters only translate their
 * framework's request into a {@link CoreRequest} and the {@link CoreResponse} back.
 */
import { BearerAuthenticator, type Authenticator } from './authenticator';
import { assertJson, clientChunks, defaultBodyLimit, parseJson, readBody, type BodySource } from './body-reader';
import { contract, type RouteName, type RouteSpec } from './contract';
import { UserkitError, errorStatus, isUserkitError } from './errors';
import { userEtag } from './etag';
import type { JwtTokens } from './jwt-tokens';
import { createOpenApiDocument } from './openapi-document';
import { defaultImportLimits, type ImportLimits } from './import-schema';
import { importContentType } from './user-import';
import { operations } from './operations';
import { problemContentType, toProblem } from './problem';
import { RateLimiter } from './rate-limiter';
import { MemoryRateLimitStore, type RateLimitSettings, type RateLimitStore } from './rate-limit-store';
import { createClientAddressResolver, type TrustProxy } from './client-address';
import type { UserService } from './user-service';
import type { UserRecord } from './user-record';
import { isPlainObject, parseInput } from './validation';

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
  /** Serve requests whose Host starts with `api.` at the root as if under `basePath` (SPEC 8). Default true. */
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
}

/** The handler: `handle` answers a request, or `undefined` when the path is not under the API. */
export interface UserkitHandler {
  handle(request: CoreRequest): Promise<CoreResponse | undefined>;
  readonly basePath: string;
}

interface CompiledRoute {
  name: RouteName;
  spec: RouteSpec;
  pattern: RegExp;
}

const compiled: CompiledRoute[] = (Object.entries(contract) as [RouteName, RouteSpec][]).map(([name, spec]) => ({
  name,
  spec,
  pattern: new RegExp(`^${spec.path.replace(/:([a-z_]+)/g, '(?<$1>[^/]+)')}/?$`),
}));

const baseHeaders = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * Builds the handler every adapter wraps.
 *
 * @example
 * ```ts
 * const handler = createUserkitHandler({ service, tokens: new JwtTokens({ secret }) });
 * const response = await handler.handle({ method: 'GET', url: '/api/health', header: () => undefined });
 * ```
 */
export function createUserkitHandler(options: UserkitHandlerOptions): UserkitHandler {
  const basePath = (options.basePath ?? '/api').replace(/\/+$/, '');
  const apiHost = options.apiHost ?? true;
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  const authenticator = options.authenticator ?? new BearerAuthenticator(options.tokens, (id) => options.service.findActor(id));
  const limiter = new RateLimiter(options.rateLimitStore ?? new MemoryRateLimitStore(), options.rateLimits);
  const clientAddress = createClientAddressResolver(options.trustProxy);
  const onError = options.onError ?? ((error: unknown) => console.error('userkit: unexpected error', error instanceof Error ? `${error.name}: ${error.message}` : typeof error));
  let openapi: unknown;
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

  async function handle(request: CoreRequest): Promise<CoreResponse | undefined> {
    const url = new URL(request.url, 'http://localhost');
    let pathname = url.pathname;
    // Fetch-style requests (msw, some runtimes) carry the host only in an absolute URL.
    const host = request.header('host') ?? (/^https?:\/\//i.test(request.url) ? url.host : '');
    if (apiHost && /^api\./i.test(host) && pathname !== basePath && !pathname.startsWith(`${basePath}/`)) pathname = `${basePath}${pathname === '/' ? '' : pathname}`;
    if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return undefined;
    const relative = pathname.slice(basePath.length) || '/';
    const method = request.method.toUpperCase();

    try {
      const candidates = compiled.filter((route) => route.pattern.test(relative));
      const route = candidates.find((r) => r.spec.method === method || (method === 'HEAD' && r.spec.method === 'GET'));
      if (!route) {
        if (candidates.length === 0) throw new UserkitError('NOT_FOUND', { detail: `No route ${method} ${pathname}` });
        const allow = [...new Set(candidates.map((r) => r.spec.method))].join(', ');
        return problemResponse(new UserkitError('METHOD_NOT_ALLOWED', { detail: `Use ${allow}` }), { allow });
      }
      const { spec, name } = route;
      const groups = route.pattern.exec(relative)?.groups ?? {};
      // GET /users/{id} with the built-in authenticator: load the caller and the target in one query.
      let target: UserRecord | null | undefined;
      const targetId = name === 'getUser' && !options.authenticator ? plainId(groups['id']) : undefined;
      const auth =
        targetId === undefined
          ? authenticator
          : new BearerAuthenticator(options.tokens, async (actorId) => {
              const { actor, other } = await options.service.findActorWith(actorId, targetId);
              target = other;
              return actor;
            });
      const actor = spec.access === 'public' ? undefined : await auth.authenticate({ header: request.header });
      if (spec.access !== 'public' && !actor) throw new UserkitError('UNAUTHENTICATED', { detail: 'Sign in and send Authorization: Bearer <token>' });
      if (spec.access === 'admin' && actor?.user_type !== 'admin') throw new UserkitError('FORBIDDEN', { detail: 'Admins only' });
      const params = spec.params ? parseInput(spec.params, groups, 'The path has invalid parameters') : {};
      const body = spec.body ? await readJsonBody(request, bodyLimit) : undefined;
      let upload: AsyncIterable<Uint8Array | string> | undefined;
      if (spec.upload) {
        importContentType(request.header('content-type'));
        const maxBytes = options.importLimits?.maxBytes ?? defaultImportLimits.maxBytes;
        if (Number(request.header('content-length') ?? 0) > maxBytes) throw new UserkitError('PAYLOAD_TOO_LARGE', { detail: `The import is larger than ${maxBytes} bytes` });
        const incomplete = () =>
          new UserkitError('VALIDATION_ERROR', { detail: 'The upload ended before it was complete', errors: [{ path: 'body', message: 'The upload ended before it was complete', code: 'incomplete_body' }] });
        upload = request.body ? clientChunks(request.body as AsyncIterable<Uint8Array | string>, incomplete) : undefined;
      }
      const context = {
        service: options.service,
        tokens: options.tokens,
        actor,
        params,
        query: queryObject(url.searchParams),
        body,
        upload,
        importLimits: options.importLimits ?? {},
        header: request.header,
        openapi: document,
        ready,
        target,
      };
      const run = () => operations[name](context);
      const result = spec.rateLimit
        ? await limiter.run(spec.rateLimit, { email: emailOf(body), address: clientAddress(request) }, run)
        : await run();
      if (result.stream) {
        const headers: Record<string, string> = { ...baseHeaders, 'content-type': result.stream.contentType };
        if (result.stream.filename) headers['content-disposition'] = `attachment; filename="${result.stream.filename}"`;
        return { status: result.status ?? spec.success.status, headers, body: method === 'HEAD' ? null : result.stream.chunks };
      }
      return successResponse(spec, basePath, result.status ?? spec.success.status, result.body, method === 'HEAD');
    } catch (error) {
      if (isUserkitError(error)) return problemResponse(error);
      onError(error);
      return problemResponse(new UserkitError('INTERNAL_ERROR', { detail: 'Something went wrong on our side' }));
    }
  }

  return { handle, basePath };
}

/** A path id in canonical form (what the params schema will also read as this number), else undefined. */
function plainId(raw: string | undefined): number | undefined {
  return raw !== undefined && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : undefined;
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

function successResponse(spec: RouteSpec, basePath: string, status: number, body: unknown, head: boolean): CoreResponse {
  const headers: Record<string, string> = { ...baseHeaders };
  if (status === 204 || body === undefined) return { status, headers, body: null };
  headers['content-type'] = 'application/json; charset=utf-8';
  const user = body as { id?: number; version?: number };
  if (spec.success.etag && typeof user.id === 'number' && typeof user.version === 'number') headers['etag'] = userEtag({ id: user.id, version: user.version });
  if (spec.success.location && typeof user.id === 'number') headers['location'] = `${basePath}/users/${user.id}`;
  return { status, headers, body: head ? null : JSON.stringify(body) };
}

/** The problem+json response of an error, with the headers its code calls for. */
export function problemResponse(error: UserkitError, extra: Record<string, string> = {}): CoreResponse {
  const headers: Record<string, string> = { ...baseHeaders, 'content-type': problemContentType, ...extra };
  if (errorStatus[error.code] === 401) headers['www-authenticate'] = 'Bearer realm="userkit"';
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  else if (error.code === 'SERVICE_UNAVAILABLE') headers['retry-after'] = '5';
  return { status: errorStatus[error.code], headers, body: JSON.stringify(toProblem(error)) };
}
