/**
 * `@userkit/core`: the browser-safe part of core — the HTTP contract, the schemas and types of a
 * user, the error codes and problem details, the role policy and the users column table. Nothing
 * here imports `node:*`, bcryptjs, jose, the service or the request handler, so a frontend (and
 * `@userkit/client`) can bundle it. Server code lives in `@userkit/core/server`, Node-only code
 * in `@userkit/core/node`, the store conformance kit in `@userkit/core/testing`.
 *
 * @packageDocumentation
 */
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
export { exportedColumns, importableColumns, insertableColumns, patchableColumns, publicColumns, timestampColumns, userColumnNames, userColumns } from './user-columns';
export type { ColumnSpec, InsertableColumn, InsertRule, PatchableColumn, PublicColumn, UserColumn, UserColumnTable } from './user-columns';
export { assertAllowed, authorize, authorizeCollection, authorizeFields, creatableGroups, relationOf, writableGroups, writableGroupsFor } from './role-policy';
export type { CollectionAction, Decision, PasswordMode, PolicyActor, PolicyTarget, Relation, TargetAction } from './role-policy';
export { fieldErrorSchema, problemContentType, problemSchema, problemType, toProblem } from './problem';
export type { Problem } from './problem';
export { expectedVersionFromIfMatch, userEtag } from './etag';
export {
  acceptedSchema,
  contract,
  healthSchema,
  idParamsSchema,
  loginResponseSchema,
  passwordChangeSchema,
  liveChangeSchema,
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
export { exportColumns, exportContentTypes, exportFormats, exportQuerySchema } from './user-export';
export type { ExportFormat, ExportQuery, ExportQueryInput } from './user-export';
export { defaultImportLimits, importContentTypes, importQuerySchema, importResultSchema, importRowSchema } from './import-schema';
export type { ImportContentType, ImportLimits, ImportQuery, ImportQueryInput, ImportResult, ImportRow } from './import-schema';
