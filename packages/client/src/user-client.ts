/**
 * `createUserClient`: one method per route of the contract, typed from core's schemas. Nothing
 * about a route (path, method, who may call, body type and how it is encoded) is written here: it
 * is all read from `contract`.
 */
import { contract, problemSchema, userEtag, type Contract, type ErrorCode, type RouteName, type RouteSpec } from '@userkit/core';
import ky, { HTTPError, TimeoutError as KyTimeoutError, type KyInstance } from 'ky';
import type { z } from 'zod';
import { allowsEmailCalls, emailBaseUrl, normaliseBaseUrl } from './api-url';
import { ApiError, ConfigurationError, NetworkError, TimeoutError } from './client-errors';
import { SessionKeeper, type ClientSession, type SessionOptions } from './client-session';
import { subscribeStats, type StatsSubscriptionOptions } from './stats-subscription';

type Route<K extends RouteName> = Contract[K];
type ParamsOf<R> = R extends { params: infer P extends z.ZodType } ? z.output<P> : unknown;
type QueryOf<R> = R extends { query: infer Q extends z.ZodType } ? { query?: z.input<Q> } : unknown;
type BodyOf<R> = R extends { body: infer B extends z.ZodType } ? { body: z.input<B> } : unknown;

/** A file body for an upload route (imports): text, a `Blob`/`File`, bytes, or a stream of bytes. */
export type UploadBody = string | Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array>;
type UploadOf<R> = R extends { upload: { media: readonly (infer M extends string)[] } }
  ?
      | { /** A Blob or File: its own type is used when `contentType` is left out. */ body: Blob; contentType?: M }
      | { body: Exclude<UploadBody, Blob>; /** One of the route's media types, e.g. `text/csv`. */ contentType: M }
  : unknown;
type IfMatchOf<R> = R extends { headers: { ifMatch: true } }
  ? { /** An ETag, or the user from a previous read (its ETag is derived from id and version). */ ifMatch?: string | { id: number; version: number } }
  : unknown;

/**
 * What a route's method takes: path parameters at the top level, then `query`, `body` (JSON, or on
 * an upload route a file with its `contentType`), `ifMatch`.
 */
export type RouteInput<K extends RouteName> = ParamsOf<Route<K>> & QueryOf<Route<K>> & BodyOf<Route<K>> & UploadOf<Route<K>> & IfMatchOf<Route<K>>;

/** What a route's method resolves to. */
export type RouteOutput<K extends RouteName> = Route<K>['success'] extends { schema: infer S extends z.ZodType }
  ? z.output<S>
  : Route<K>['success'] extends { media: readonly string[] }
    ? Response
    : void;

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client timeout for this call (ms). */
  timeout?: number;
  headers?: Record<string, string>;
}

type NeedsInput<K extends RouteName> = keyof RouteInput<K> extends never ? false : true;

/** One method per route. */
export type UserClientMethods = {
  [K in RouteName]: NeedsInput<K> extends true
    ? (input: RouteInput<K>, options?: CallOptions) => Promise<RouteOutput<K>>
    : (input?: Record<string, never>, options?: CallOptions) => Promise<RouteOutput<K>>;
};

export type TokenSource = string | null | undefined | (() => string | null | undefined | Promise<string | null | undefined>);

export interface UserClientOptions {
  /** The API base URL: `https://api.example.com`, or `http://localhost:3000/api` in development. */
  baseUrl: string;
  /**
   * The production API for email-related calls (register, verify-email, resend-verification,
   * forgot-password, reset-password).
   * Must be `https://` (or `http://` on a loopback host: `localhost`, `127.0.0.1`, `[::1]`).
   * Defaults to `baseUrl` when that qualifies; otherwise those calls throw a ConfigurationError.
   */
  emailBaseUrl?: string;
  /** The bearer token, or a function that returns it (sync or async). Ignored while `session` holds one. */
  token?: TokenSource;
  /**
   * Let the client keep the session (docs/sessions.md): it stores what login and refresh return,
   * refreshes once when a call answers 401 (one refresh shared by concurrent calls) and retries
   * that call once, and reports changes through `onSessionChange`. `mode: 'cookie'` for servers in
   * browser mode (refresh token in an HttpOnly cookie; requests sent with credentials).
   */
  session?: SessionOptions;
  /** Called when the server answers UNAUTHENTICATED (e.g. to send the user to sign-in). */
  onUnauthenticated?: (error: ApiError) => void;
  /** Timeout per attempt, ms. Default 10 000. */
  timeout?: number;
  /** Retries for idempotent requests (GET, PUT, DELETE) on 408/429/5xx and network errors. Default 2. */
  retries?: number;
  /** A fetch implementation (tests, custom agents). */
  fetch?: typeof fetch;
  headers?: Record<string, string>;
}

/** The client: a method per contract route, plus `request` for any route by name. */
export type UserClient = UserClientMethods & {
  request<K extends RouteName>(name: K, input: RouteInput<K>, options?: CallOptions): Promise<RouteOutput<K>>;
  /** Live statistics over `GET /users/stats/stream`, reconnecting with backoff; returns the function that stops (stats-subscription.ts). */
  subscribeStats(options: StatsSubscriptionOptions): () => void;
  readonly baseUrl: string;
  readonly emailBaseUrl: string | undefined;
  /** The session the client holds (with the `session` option), else null. */
  readonly session: ClientSession | null;
};

/** Routes whose answer starts or renews the session, and routes after which it is over. */
const startsSession: ReadonlySet<RouteName> = new Set<RouteName>(['login', 'refresh']);
const endsSession: ReadonlySet<RouteName> = new Set<RouteName>(['logout', 'logoutAll']);

async function resolveToken(source: TokenSource): Promise<string | null | undefined> {
  return typeof source === 'function' ? source() : source;
}

function buildPath(spec: RouteSpec, input: Record<string, unknown>): string {
  return spec.path.replace(/:([a-z_]+)/g, (_, key: string) => {
    const value = input[key];
    if (value === undefined || value === null) throw new ConfigurationError(`Missing path parameter "${key}" for ${spec.method} ${spec.path}`);
    return encodeURIComponent(String(value));
  });
}

function buildQuery(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    params.append(key, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The body as the route declares it: JSON for a `body` schema; for an `upload` route the file as
 * is, with its media type checked against the route's before anything is sent.
 */
function encodeBody(name: RouteName, spec: RouteSpec, values: Record<string, unknown>): { json: unknown } | { body: UploadBody; contentType: string } | undefined {
  if (spec.body) return { json: values['body'] };
  if (!spec.upload) return undefined;
  const body = values['body'];
  const isBlob = typeof Blob !== 'undefined' && body instanceof Blob;
  const isStream = typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;
  if (typeof body !== 'string' && !isBlob && !isStream && !(body instanceof ArrayBuffer) && !(body instanceof Uint8Array)) {
    throw new ConfigurationError(`${name} takes a file body: a string, Blob, ArrayBuffer, Uint8Array or ReadableStream`);
  }
  const declared = values['contentType'] ?? (isBlob ? (body as Blob).type : undefined);
  const media = typeof declared === 'string' ? declared.split(';')[0]?.trim().toLowerCase() : undefined;
  if (!media || !spec.upload.media.includes(media)) {
    throw new ConfigurationError(`${name} takes ${spec.upload.media.join(' or ')}: set contentType (got ${typeof declared === 'string' && declared ? declared : 'none'})`);
  }
  return { body: body as UploadBody, contentType: declared as string };
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfterHeader = response.headers.get('retry-after');
  const retryAfter = retryAfterHeader !== null && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = problemSchema.safeParse(body);
  if (parsed.success) return new ApiError(parsed.data, retryAfter);
  const code: ErrorCode = response.status >= 500 ? 'INTERNAL_ERROR' : response.status === 404 ? 'NOT_FOUND' : response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : 'VALIDATION_ERROR';
  return new ApiError({ type: 'about:blank', title: response.statusText || 'Error', status: response.status, code, detail: `The server answered ${response.status}` }, retryAfter);
}

/**
 * Creates the typed client.
 *
 * @example
 * ```ts
 * const client = createUserClient({
 *   baseUrl: apiBaseUrlFromOrigin(window.location.origin),
 *   emailBaseUrl: 'https://api.example.com',
 *   token: () => sessionStorage.getItem('token'),
 * });
 * const { access_token } = await client.login({ body: { email, password } });
 * const me = await client.me();
 * const updated = await client.updateUser({ id: me.id, body: { city: 'Lisbon' }, ifMatch: me });
 * ```
 */
export function createUserClient(options: UserClientOptions): UserClient {
  const baseUrl = normaliseBaseUrl(options.baseUrl, 'baseUrl');
  const emailUrl = options.emailBaseUrl !== undefined ? emailBaseUrl(options.emailBaseUrl) : allowsEmailCalls(baseUrl) ? baseUrl : undefined;
  const http: KyInstance = ky.create({
    timeout: options.timeout ?? 10_000,
    retry: {
      limit: options.retries ?? 2,
      methods: ['get', 'put', 'delete', 'head'],
      statusCodes: [408, 429, 500, 502, 503, 504],
      afterStatusCodes: [429, 503],
      maxRetryAfter: 30_000,
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.session?.mode === 'cookie' ? { credentials: 'include' as const } : {}),
  });
  const keeper = options.session ? new SessionKeeper(options.session) : undefined;

  async function request<K extends RouteName>(name: K, input: RouteInput<K>, call: CallOptions = {}): Promise<RouteOutput<K>> {
    const spec: RouteSpec = contract[name];
    const usedToken = keeper?.accessToken;
    try {
      const output = await send(name, input, call);
      if (keeper && startsSession.has(name)) keeper.accept(output as RouteOutput<'login'>);
      if (keeper && endsSession.has(name)) keeper.clear();
      return output;
    } catch (error) {
      const renewable = keeper && spec.access !== 'public' && error instanceof ApiError && error.code === 'UNAUTHENTICATED' && keeper.canRefresh;
      if (!renewable) {
        if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') options.onUnauthenticated?.(error);
        throw error;
      }
      // Another call may have renewed the session while this one was out: then just retry.
      const renewed = keeper.accessToken !== usedToken || (await keeper.refreshOnce(() => send('refresh', { body: keeper.refreshBody() } as RouteInput<'refresh'>, {})));
      if (!renewed) {
        options.onUnauthenticated?.(error);
        throw error;
      }
      try {
        return await send(name, input, call);
      } catch (retryError) {
        if (retryError instanceof ApiError && retryError.code === 'UNAUTHENTICATED') options.onUnauthenticated?.(retryError);
        throw retryError;
      }
    }
  }

  async function send<K extends RouteName>(name: K, input: RouteInput<K>, call: CallOptions = {}): Promise<RouteOutput<K>> {
    const spec: RouteSpec = contract[name];
    const values = (input ?? {}) as Record<string, unknown>;
    let base = baseUrl;
    if (spec.channel === 'email') {
      if (!emailUrl) throw new ConfigurationError(`${name} sends email: set emailBaseUrl to the production API over https:// (baseUrl ${baseUrl} is neither https nor loopback)`);
      base = emailUrl;
    }
    const url = `${base}${buildPath(spec, values)}${buildQuery(values['query'])}`;
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (keeper?.mode === 'cookie') headers[keeper.csrfHeader] = '1';
    if (spec.access !== 'public') {
      const token = keeper?.accessToken ?? (await resolveToken(options.token));
      if (token) headers['authorization'] = `Bearer ${token}`;
    }
    const ifMatch = values['ifMatch'] as string | { id: number; version: number } | undefined;
    if (ifMatch !== undefined) headers['if-match'] = typeof ifMatch === 'string' ? ifMatch : userEtag(ifMatch);
    const encoded = encodeBody(name, spec, values);
    if (encoded && 'contentType' in encoded) headers['content-type'] = encoded.contentType;
    let response: Response;
    try {
      response = await http(url, {
        method: spec.method,
        headers,
        ...(encoded && 'json' in encoded ? { json: encoded.json } : {}),
        ...(encoded && 'body' in encoded ? { body: encoded.body } : {}),
        ...(call.signal ? { signal: call.signal } : {}),
        ...(call.timeout !== undefined ? { timeout: call.timeout } : {}),
      });
    } catch (error) {
      if (error instanceof HTTPError) throw await toApiError(error.response);
      if (error instanceof KyTimeoutError) throw new TimeoutError(undefined, { cause: error });
      // The caller aborted (maybe with a reason, e.g. AbortSignal.timeout): surface that, not "offline".
      if (call.signal?.aborted) throw call.signal.reason;
      if (error instanceof Error && error.name === 'AbortError') throw error;
      if (error instanceof ConfigurationError) throw error;
      throw new NetworkError(undefined, { cause: error });
    }
    if (spec.success.media) return response as RouteOutput<K>;
    if (response.status === 204 || !spec.success.schema) {
      if (spec.success.status === 204) return undefined as RouteOutput<K>;
      return (await response.json()) as RouteOutput<K>;
    }
    return (await response.json()) as RouteOutput<K>;
  }

  const methods = Object.fromEntries(
    (Object.keys(contract) as RouteName[]).map((name) => [name, (input: never, call?: CallOptions) => request(name, input ?? ({} as never), call)]),
  ) as unknown as UserClientMethods;

  // The stream stays open: no timeout and no retries of ky's; the subscription reconnects itself.
  const openStats = (call: CallOptions) => request('statsStream', {}, { ...call, timeout: 2_147_483_647 });
  const subscribe = (subscription: StatsSubscriptionOptions) => subscribeStats(openStats, subscription);
  return Object.defineProperties(Object.assign(methods, { request, subscribeStats: subscribe, baseUrl, emailBaseUrl: emailUrl }), {
    session: { get: () => keeper?.session ?? null, enumerable: true },
  }) as UserClient;
}
