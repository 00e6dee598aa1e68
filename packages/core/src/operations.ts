/**
 * What each route of the contract does, in terms of the service. The request handler has done
 * routing, authentication, body parsing and rate limiting by the time these run.
 */
import type { RouteName } from './contract';
import { sessionIdOf } from './authenticator';
import { UserkitError } from './errors';
import { expectedVersionFromIfMatch } from './etag';
import type { SessionCookie } from './session-cookie';
import { refreshSchema } from './session-schema';
import { parseInput } from './validation';
import type { SessionGrant } from './service/sessions';
import type { User } from './user-schema';
import type { JwtTokens } from './jwt-tokens';
import type { LiveStats } from './live-stats';
import { toPublicUser, type UserRecord } from './user-record';
import type { UserService } from './user-service';
import type { PageQueryInput } from './ledger-schema';
import type { ListUsersQueryInput } from './list-query-schema';
import type { ExportQueryInput } from './user-export';
import type { ImportLimits, ImportQueryInput } from './import-schema';

/** What an operation gets. */
export interface OperationContext {
  service: UserService;
  tokens: JwtTokens;
  /** The caller; present on every route whose access is not `public`. */
  actor: UserRecord | undefined;
  params: { id?: number; session_id?: string };
  query: Record<string, string | string[]>;
  body: unknown;
  /** The raw body of an upload route (imports). */
  upload: AsyncIterable<Uint8Array | string> | undefined;
  header(name: string): string | undefined;
  importLimits: Partial<ImportLimits>;
  openapi(): unknown;
  ready(): Promise<Record<string, string>>;
  /** This instance's live statistics (the stream route). */
  liveStats: LiveStats;
  /** Aborts when the client goes away, when the adapter tells. */
  signal?: AbortSignal | undefined;
  /** The user of the path's id when authentication loaded it with the caller (null: missing); see {@link Operation.loadsTarget}. */
  target?: UserRecord | null | undefined;
  /** The client address (as the handler's `trustProxy` reads it), stored with sessions; computed on demand. */
  clientAddress?: (() => string) | undefined;
  /** Browser mode: the refresh token travels in this cookie (docs/sessions.md). */
  sessionCookie?: SessionCookie | undefined;
}

/** What an operation answers; status and headers default from the contract. */
export interface OperationResult {
  body?: unknown;
  status?: number;
  /** A streamed, non-JSON body and its media type. */
  stream?: { contentType: string; chunks: AsyncIterable<string>; filename?: string; headers?: Record<string, string> };
  /** Extra response headers (a session cookie). */
  headers?: Record<string, string>;
}

/** What a route runs. */
export type OperationRun = (ctx: OperationContext) => Promise<OperationResult>;

/** One route's server side: what it runs, and what it asks of the handler beforehand. */
export interface Operation {
  run: OperationRun;
  /**
   * The route reads the user its path's `id` names. An authenticator that can load the caller and
   * another user together (the built-in one: one query) does so, and the operation gets that user
   * as `ctx.target`; with any other authenticator `ctx.target` stays undefined.
   */
  loadsTarget?: boolean;
}

const op = (run: OperationRun, declared: Omit<Operation, 'run'> = {}): Operation => ({ run, ...declared });

const signedIn = (ctx: OperationContext): UserRecord => {
  if (!ctx.actor) throw new Error('operation needs an actor');
  return ctx.actor;
};
const id = (ctx: OperationContext): number => ctx.params.id as number;

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

const sessionMeta = (ctx: OperationContext) => ({ userAgent: ctx.header('user-agent'), ip: ctx.clientAddress?.() });

/** The answer of login and refresh: the access token names the session; the refresh token goes in the body or the cookie. */
async function sessionAnswer(ctx: OperationContext, user: User, tokenVersion: number, grant: SessionGrant): Promise<OperationResult> {
  const issued = await ctx.tokens.issue({ id: user.id, token_version: tokenVersion }, { sessionId: grant.sessionId });
  if (!ctx.sessionCookie) return { body: { ...issued, refresh_token: grant.refreshToken, user } };
  return { body: { ...issued, user }, headers: { 'set-cookie': ctx.sessionCookie.serialize(grant.refreshToken, ctx.tokens.refreshTtlSeconds) } };
}

/** The refresh token of a refresh or logout: the body's, else (browser mode, CSRF-checked) the cookie's. */
function refreshTokenOf(ctx: OperationContext): string | undefined {
  const fromBody = parseInput(refreshSchema, ctx.body ?? {}).refresh_token;
  if (fromBody !== undefined) return fromBody;
  const cookie = ctx.sessionCookie;
  const fromCookie = cookie?.read(ctx);
  if (cookie && fromCookie !== undefined) cookie.assertSameParty(ctx);
  return fromCookie;
}

const clearCookie = (ctx: OperationContext): OperationResult => (ctx.sessionCookie ? { headers: { 'set-cookie': ctx.sessionCookie.clear() } } : {});

/** One operation per route; TypeScript checks that none is missing. */
export const operations: Record<RouteName, Operation> = {
  register: op(async ({ service, body }) => ({ body: { user: await service.register(body as never) } })),
  login: op(async (ctx) => {
    const { user, token_version } = await ctx.service.authenticate(ctx.body as never);
    const grant = await ctx.service.startSession(user.id, sessionMeta(ctx), ctx.tokens.refreshTtlSeconds);
    return sessionAnswer(ctx, user, token_version, grant);
  }),
  refresh: op(async (ctx) => {
    const token = refreshTokenOf(ctx);
    if (token === undefined) throw new UserkitError('UNAUTHENTICATED', { detail: 'Send the refresh token (body refresh_token, or the session cookie)' });
    const { user, grant } = await ctx.service.refreshSession(token, sessionMeta(ctx), ctx.tokens.refreshTtlSeconds);
    return sessionAnswer(ctx, toPublicUser(user), user.token_version, grant);
  }),
  logout: op(async (ctx) => {
    const sessionId = sessionIdOf(ctx.actor);
    if (sessionId !== undefined) await ctx.service.endSession(signedIn(ctx).id, sessionId);
    else {
      // A token without a session (issued before sessions, or by hand): end the refresh token's, if sent.
      const token = ctx.sessionCookie?.read(ctx);
      if (token !== undefined) await ctx.service.endSessionByRefreshToken(token);
    }
    return clearCookie(ctx);
  }),
  logoutAll: op(async (ctx) => {
    await ctx.service.endAllSessions(signedIn(ctx).id);
    return clearCookie(ctx);
  }),
  forgotPassword: op(async (ctx) => {
    await ctx.service.requestPasswordReset(ctx.body as never, { background: true });
    return { body: { status: 'accepted', detail: 'If the address has an account, a reset code is on its way' } };
  }),
  resetPassword: op(async (ctx) => {
    await ctx.service.resetPassword(ctx.body as never);
    return {};
  }),
  listMySessions: op(async (ctx) => ({ body: { items: await ctx.service.listOwnSessions(signedIn(ctx), sessionIdOf(ctx.actor)) } })),
  deleteMySession: op(async (ctx) => {
    await ctx.service.endOwnSession(signedIn(ctx), ctx.params.session_id as string);
    return {};
  }),
  listUserSessions: op(async (ctx) => ({ body: { items: await ctx.service.listUserSessions(signedIn(ctx), id(ctx)) } })),
  deleteUserSessions: op(async (ctx) => {
    await ctx.service.endUserSessions(signedIn(ctx), id(ctx));
    return {};
  }),
  verifyEmail: op(async ({ service, body }) => ({ body: { user: await service.verifyEmail(body as never) } })),
  resendVerification: op(async ({ service, body }) => {
    // Answered before the work (a lookup, a write and a mail for pending accounts only), so how
    // long the answer takes does not tell pending accounts from unknown ones (docs/decisions.md, "Hardening").
    await service.resendVerification(body as never, { background: true });
    return { body: { status: 'accepted', detail: 'If the address has an unverified account, a new code is on its way' } };
  }),
  me: op(async (ctx) => ({ body: toPublicUser(signedIn(ctx)) })),
  listUsers: op(async (ctx) => ({ body: await ctx.service.list(signedIn(ctx), ctx.query as ListUsersQueryInput) })),
  createUser: op(async (ctx) => ({ body: await ctx.service.create(signedIn(ctx), ctx.body as never) })),
  getUser: op(async (ctx) => ({ body: await ctx.service.get(signedIn(ctx), id(ctx), { loaded: ctx.target }) }), { loadsTarget: true }),
  updateUser: op(
    async (ctx) => {
      const expectedVersion = expectedVersionFromIfMatch(ctx.header('if-match'), id(ctx));
      return { body: await ctx.service.update(signedIn(ctx), id(ctx), ctx.body as never, { expectedVersion, loaded: ctx.target }) };
    },
    { loadsTarget: true },
  ),
  deleteUser: op(async (ctx) => {
    await ctx.service.delete(signedIn(ctx), id(ctx));
    return {};
  }),
  changePassword: op(async (ctx) => {
    await ctx.service.changePassword(signedIn(ctx), id(ctx), ctx.body as never);
    return {};
  }),
  statsStream: op(async (ctx) => ({
    stream: {
      contentType: 'text/event-stream; charset=utf-8',
      chunks: ctx.liveStats.stream(signedIn(ctx), ctx.signal),
      // Proxies must pass each event on as it comes (nginx buffers otherwise).
      headers: { 'x-accel-buffering': 'no' },
    },
  })),
  exportUsers: op(async (ctx) => {
    const { format, contentType, chunks } = await ctx.service.exportUsers(signedIn(ctx), ctx.query as ExportQueryInput);
    return { stream: { contentType, chunks, filename: `users.${format === 'csv' ? 'csv' : 'ndjson'}` } };
  }),
  importUsers: op(async (ctx) => ({
    body: await ctx.service.importUsers(signedIn(ctx), ctx.upload ?? emptyBody(), ctx.header('content-type'), ctx.query as ImportQueryInput, ctx.importLimits),
  })),
  stats: op(async (ctx) => ({ body: await ctx.service.stats(signedIn(ctx)) })),
  adjustCredits: op(async (ctx) => ({
    body: await ctx.service.adjustCredits(signedIn(ctx), id(ctx), ctx.body as never, { idempotencyKey: ctx.header('idempotency-key') }),
  })),
  listCredits: op(async (ctx) => ({ body: await ctx.service.listCredits(signedIn(ctx), id(ctx), ctx.query as PageQueryInput) })),
  listActivity: op(async (ctx) => ({ body: await ctx.service.listActivity(signedIn(ctx), id(ctx), ctx.query as PageQueryInput) })),
  openapi: op(async (ctx) => ({ body: ctx.openapi() })),
  health: op(async () => ({ body: { status: 'ok' } })),
  ready: op(async (ctx) => ({ body: { status: 'ok', checks: await ctx.ready() } })),
};
