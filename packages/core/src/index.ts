export { UserkitError, errorCodes, errorStatus, errorTitles, isUserkitError } from './errors';
export type { ErrorCode, FieldError, UserkitErrorOptions } from './errors';
export {
  accountFields,
  adminCreateSchema,
  adminPasswordSetSchema,
  adminUpdateSchema,
  creditFields,
  crmFields,
  emailSchema,
  fieldGroup,
  leadStatusSchema,
  leadStatuses,
  loginSchema,
  passwordSchema,
  phoneSchema,
  profileFields,
  registerSchema,
  resendVerificationSchema,
  roleFields,
  selfPasswordChangeSchema,
  selfUpdateSchema,
  superAdminCreateSchema,
  superAdminUpdateSchema,
  systemFields,
  userSchema,
  userStatusSchema,
  userStatuses,
  userTypeSchema,
  userTypes,
  usernameSchema,
  verifyEmailSchema,
} from './user-schema';
export type {
  AccountField,
  AdminCreateInput,
  AdminPasswordSetInput,
  AdminUpdateInput,
  CrmField,
  FieldGroup,
  LeadStatus,
  LoginInput,
  PasswordChangeInput,
  ProfileField,
  RegisterInput,
  ResendVerificationInput,
  RoleField,
  SelfPasswordChangeInput,
  SelfUpdateInput,
  SuperAdminCreateInput,
  SuperAdminUpdateInput,
  User,
  UserCreateInput,
  UserStatus,
  UserType,
  UserUpdateInput,
  VerifyEmailInput,
  WritableField,
} from './user-schema';
export { defaultListTotalCap, listUsersQuerySchema, sortKeys, sortValues } from './list-query-schema';
export type { ListOptions, ListUsersQuery, ListUsersQueryInput, Page, SortKey, UserPage } from './list-query-schema';
export { isActiveSuperAdmin, secretColumns, toPublicUser } from './user-record';
export type { NewUserRecord, UserPatch, UserRecord } from './user-record';
export { exportedColumns, ignoredOnImport, importableColumns, insertableColumns, patchableColumns, publicColumns, userColumnNames, userColumns } from './user-columns';
export type { ColumnSpec, InsertableColumn, InsertRule, PatchableColumn, PublicColumn, UserColumn, UserColumnTable } from './user-columns';
export {
  assertAllowed,
  authorize,
  authorizeCollection,
  authorizeFields,
  creatableGroups,
  relationOf,
  writableGroups,
  writableGroupsFor,
} from './role-policy';
export type { CollectionAction, Decision, PasswordMode, PolicyActor, PolicyTarget, Relation, TargetAction } from './role-policy';
export type { ActivityRecord, ActorLookup, ActorLookupResult, FindOptions, NewActivityRecord, UserRepository } from './user-repository';
export type { NewSessionRecord, SessionRecord, SessionStore } from './session-store';
export { MemorySessionStore } from './memory-session-store';
export type { SessionRowsRunner } from './memory-session-store';
export { SessionCookie, csrfOrigins, defaultCsrfHeader } from './session-cookie';
export type { CsrfOptions, SessionCookieOptions } from './session-cookie';
export { hashRefreshToken, toSession } from './service/sessions';
export {
  forgotPasswordSchema,
  refreshSchema,
  resetPasswordSchema,
  sessionListSchema,
  sessionParamsSchema,
  sessionSchema,
} from './session-schema';
export type { ForgotPasswordInput, LoginResponse, RefreshInput, ResetPasswordInput, Session, SessionList } from './session-schema';
export type { PasswordHasher } from './password-hasher';
export { MemoryMailer } from './mailer';
export type { MailMessage, Mailer } from './mailer';
export { ManualClock, systemClock } from './clock';
export type { Clock } from './clock';
export { PasswordPolicy, maxPasswordBytes } from './password-policy';
export type { PasswordPolicyOptions } from './password-policy';
export { commonPasswords } from './common-passwords';
export { BcryptPasswordHasher } from './bcrypt-password-hasher';
export { WorkerPasswordHasher } from './worker-password-hasher';
export type { WorkerPasswordHasherOptions, WorkerPasswordHasherStats } from './worker-password-hasher';
export { bcryptCost, bcryptCostLimits, bcryptHashPattern, defaultBcryptCosts, isBcryptHash } from './bcrypt-hash';
export type { BcryptCostRange } from './bcrypt-hash';
export type { BcryptPasswordHasherOptions } from './bcrypt-password-hasher';
export { VerificationCodeHasher, generateVerificationCode, hashVerificationCode, randomCodeSecret, timingSafeEqualString } from './verification-code';
export type { CodeSecret } from './verification-code';
export { fieldErrorsOf, isPlainObject, parseInput, requireObject } from './validation';
export { decodeCursor, encodeCursor } from './cursor';
export type { CursorValue } from './cursor';
export { UserService } from './user-service';
export type { Actor, AuthenticatedUser, SessionGrant, SessionMeta, UserServiceOptions } from './user-service';
export { MemoryUserRepository } from './memory-user-repository';
export { problemContentType, problemSchema, problemType, fieldErrorSchema, toProblem } from './problem';
export type { Problem } from './problem';
export { expectedVersionFromIfMatch, userEtag } from './etag';
export {
  acceptedSchema,
  contract,
  healthSchema,
  idParamsSchema,
  liveChangeSchema,
  loginResponseSchema,
  passwordChangeSchema,
  userEnvelopeSchema,
  userPageSchema,
} from './contract';
export type { Access, Contract, HttpMethod, RateLimitBucket, RouteName, RouteSpec } from './contract';
export { JwtTokens } from './jwt-tokens';
export type { IssuedToken, JwtTokensOptions, TokenClaims } from './jwt-tokens';
export { BearerAuthenticator, assertActive, sessionIdOf } from './authenticator';
export type { AuthRequest, Authenticator, LoadActor, LoadActorWith } from './authenticator';
export { MemoryRateLimitStore, defaultRateLimits, resolveRateLimits } from './rate-limit-store';
export type { RateLimitCount, RateLimitRule, RateLimitSettings, RateLimitStore, RateLimits, ResolvedRateLimits } from './rate-limit-store';
export { createClientAddressResolver, normaliseAddress } from './client-address';
export type { ClientAddressSource, TrustProxy, TrustedProxies } from './client-address';
export { RateLimiter } from './rate-limiter';
export type { RateLimitSubject } from './rate-limiter';
export { assertJson, defaultBodyLimit, isJsonContentType, parseJson, readBody } from './body-reader';
export type { BodySource } from './body-reader';
export { apiDocsFiles, apiDocsResponse } from './api-docs';
export type { ApiDocsAssets, ApiDocsFile, ApiDocsResponse } from './api-docs';
export { createUserkitHandler, problemResponse } from './request-handler';
export type { CoreRequest, CoreResponse, FetchContext, UserkitHandler, UserkitHandlerOptions } from './request-handler';
export { securityHeaders } from './security-headers';
export type { HstsOptions } from './security-headers';
export { logRequest, requestIdOf, requestRecord, securityEventsOf } from './request-log';
export type { RequestEvent, RequestLogger, RequestTrace, SecurityEvent, SecurityEventKind } from './request-log';
export { createOpenApiDocument } from './openapi-document';
export { operations } from './operations';
export type { Operation, OperationContext, OperationResult, OperationRun } from './operations';
export { createRouter } from './router';
export type { RouteHit, RouteMiss, RoutePattern, Router } from './router';
export {
  activityPageSchema,
  activitySchema,
  creditAdjustmentResultSchema,
  creditAdjustmentSchema,
  creditPageSchema,
  creditTransactionSchema,
  idempotencyKeySchema,
  pageQuerySchema,
  userStatsSchema,
} from './ledger-schema';
export type {
  Activity,
  ActivityPage,
  CreditAdjustmentInput,
  CreditAdjustmentResult,
  CreditPage,
  CreditTransaction,
  CreditTransactionRecord,
  NewCreditTransactionRecord,
  PageQueryInput,
  UserCounts,
  UserStats,
} from './ledger-schema';
export { csvCell, csvLine, exportColumns, exportContentTypes, exportFormats, exportQuerySchema, formatExport } from './user-export';
export type { ExportFormat, ExportQuery, ExportQueryInput } from './user-export';
export { toFetchBody, toFetchResponse } from './response-body';
export { defaultImportLimits, exportOnlyColumns, importContentTypes, importQuerySchema, importResultSchema, importRowSchema, importRowSchemaFor } from './import-schema';
export type { ImportContentType, ImportLimits, ImportQuery, ImportQueryInput, ImportResult, ImportRow } from './import-schema';
export { parseImport } from './user-import';
export type { RawRow } from './user-import';
export { UserEvents, reportEventError } from './user-events';
export { ChangeListeners, MemoryChangeFeed, maxChangesPerBatch, parseChangeBatch } from './change-feed';
export type { ChangeBatch, ChangeFeed, ChangeListener, LiveChange } from './change-feed';
export { LiveStats, publishChanges, sseEvent, ssePing } from './live-stats';
export type { LiveChangeEvent, LiveStatsOptions, PublishChangesOptions } from './live-stats';
export type { EventActorId, EventErrorHandler, SignInFailure, UserEventHandler, UserEventMap, UserEventName } from './user-events';
export { corsAllowedHeaders, corsExposedHeaders, createCorsPolicy } from './cors-policy';
export type { CorsOptions, CorsPolicy } from './cors-policy';
export { createGuard, defaultAuthenticator, guardOver, satisfies } from './user-guard';
export type { GuardOptions, GuardOutcome, GuardRequest, GuardRole, GuardRule, UserGuard } from './user-guard';
