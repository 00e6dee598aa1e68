/**
 * `@userkit/core/contract`: the browser-safe part of core — the contract, the schemas and types,
 * the error codes and problem details, ETags. No bcrypt, jose, or server code: this is what
 * `@userkit/client` and frontends import.
 */
export { errorCodes, errorStatus, errorTitles } from './errors';
export type { ErrorCode, FieldError } from './errors';
export {
  accountFields,
  adminCreateSchema,
  adminPasswordSetSchema,
  adminUpdateSchema,
  creditFields,
  crmFields,
  emailSchema,
  leadStatusSchema,
  leadStatuses,
  loginSchema,
  passwordSchema,
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
  verifyEmailSchema,
} from './user-schema';
export type {
  AdminCreateInput,
  AdminPasswordSetInput,
  AdminUpdateInput,
  LeadStatus,
  LoginInput,
  PasswordChangeInput,
  RegisterInput,
  ResendVerificationInput,
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
} from './user-schema';
export { defaultListTotalCap, listUsersQuerySchema, sortKeys, sortValues } from './list-query-schema';
export type { ListOptions, ListUsersQuery, ListUsersQueryInput, Page, SortKey, UserPage } from './list-query-schema';
export { fieldErrorSchema, problemContentType, problemSchema, problemType } from './problem';
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
export {
  forgotPasswordSchema,
  refreshSchema,
  resetPasswordSchema,
  sessionListSchema,
  sessionParamsSchema,
  sessionSchema,
} from './session-schema';
export type { ForgotPasswordInput, LoginResponse, RefreshInput, ResetPasswordInput, Session, SessionList } from './session-schema';
export {
  activityPageSchema,
  activitySchema,
  creditAdjustmentResultSchema,
  creditAdjustmentSchema,
  creditPageSchema,
  creditTransactionSchema,
  pageQuerySchema,
  userStatsSchema,
} from './ledger-schema';
export type { Activity, ActivityPage, CreditAdjustmentInput, CreditAdjustmentResult, CreditPage, CreditTransaction, PageQueryInput, UserStats } from './ledger-schema';
export { exportColumns, exportFormats, exportQuerySchema } from './user-export';
export type { ExportFormat, ExportQueryInput } from './user-export';
export { importContentTypes, importQuerySchema, importResultSchema } from './import-schema';
export type { ImportQueryInput, ImportResult } from './import-schema';
