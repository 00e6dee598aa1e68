/**
 * `@userkit/core/server`: what runs on the server, on any runtime with Web Crypto — the user
 * service, the framework-free request handler, the ports a store implements (`UserRepository`,
 * `RateLimitStore`) with their in-memory implementations, tokens, rate limiting, guards, events,
 * request logs and CORS. Browser-safe names (schemas, contract, errors, policy) stay in
 * `@userkit/core`; Node-only code (worker threads) is in `@userkit/core/node`.
 *
 * @packageDocumentation
 */
export { UserService } from './user-service';
export type { Actor, AuthenticatedUser, SessionGrant, SessionMeta, UserServiceOptions } from './user-service';
export type { ActivityRecord, ActorLookup, ActorLookupResult, FindOptions, NewActivityRecord, UpdateOptions, UserRepository } from './user-repository';
export type { NewSessionRecord, SessionRecord, SessionStore } from './session-store';
export { MemorySessionStore } from './memory-session-store';
export type { SessionRowsRunner } from './memory-session-store';
export { SessionCookie, csrfOrigins, defaultCsrfHeader } from './session-cookie';
export type { CsrfOptions, SessionCookieOptions } from './session-cookie';
export { hashRefreshToken, toSession } from './service/sessions';
export { MemoryUserRepository } from './memory-user-repository';
export type { PasswordHasher } from './password-hasher';
export { BcryptPasswordHasher } from './bcrypt-password-hasher';
export type { BcryptPasswordHasherOptions } from './bcrypt-password-hasher';
export { bcryptHashPattern, defaultBcryptCosts, isBcryptHash } from './bcrypt-hash';
export type { BcryptCostRange } from './bcrypt-hash';
export { PasswordPolicy, maxPasswordBytes } from './password-policy';
export type { PasswordPolicyOptions } from './password-policy';
export { MemoryMailer } from './mailer';
export type { MailMessage, Mailer } from './mailer';
export { ManualClock, systemClock } from './clock';
export type { Clock } from './clock';
export { decodeCursor, encodeCursor } from './cursor';
export type { CursorValue } from './cursor';
export { JwtTokens } from './jwt-tokens';
export type { IssuedToken, JwtTokensOptions, TokenClaims } from './jwt-tokens';
export { BearerAuthenticator, assertActive, sessionIdOf } from './authenticator';
export type { AuthRequest, Authenticator, LoadActor, LoadActorWith } from './authenticator';
export { ChangeListeners, MemoryChangeFeed, maxChangesPerBatch, parseChangeBatch } from './change-feed';
export type { ChangeBatch, ChangeFeed, ChangeListener, LiveChange } from './change-feed';
export { LiveStats, publishChanges, sseEvent, ssePing } from './live-stats';
export type { LiveChangeEvent, LiveStatsOptions, PublishChangesOptions } from './live-stats';
export { MemoryRateLimitStore, defaultRateLimits, resolveRateLimits } from './rate-limit-store';
export type { RateLimitCount, RateLimitRule, RateLimitSettings, RateLimitStore, RateLimits, ResolvedRateLimits } from './rate-limit-store';
export { RateLimiter } from './rate-limiter';
export type { RateLimitSubject } from './rate-limiter';
export { createClientAddressResolver } from './client-address';
export type { ClientAddressSource, TrustProxy, TrustedProxies } from './client-address';
export { createUserkitHandler } from './request-handler';
export { problemResponse } from './response-body';
export type { CoreRequest, CoreResponse, FetchContext, UserkitHandler, UserkitHandlerOptions } from './request-handler';
export { toFetchResponse } from './response-body';
export { apiDocsFiles } from './api-docs';
export type { ApiDocsAssets, ApiDocsFile } from './api-docs';
export { securityHeaders } from './security-headers';
export type { HstsOptions } from './security-headers';
export { requestIdOf, securityEventsOf } from './request-log';
export type { RequestEvent, RequestLogger, RequestTrace, SecurityEvent, SecurityEventKind } from './request-log';
export { createOpenApiDocument } from './openapi-document';
export { csvCell, formatExport } from './user-export';
export { parseImport } from './user-import';
export { UserEvents } from './user-events';
export type { EventActorId, EventErrorHandler, SignInFailure, UserEventHandler, UserEventMap, UserEventName } from './user-events';
export { createCorsPolicy } from './cors-policy';
export type { CorsOptions, CorsPolicy } from './cors-policy';
export { createGuard, defaultAuthenticator } from './user-guard';
export type { GuardOptions, GuardOutcome, GuardRequest, GuardRole, GuardRule, UserGuard } from './user-guard';
export { VerificationCodeHasher, generateVerificationCode } from './verification-code';
export type { CodeSecret } from './verification-code';
