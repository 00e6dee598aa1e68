export { createBearerSession } from './bearer-session';
export type { BearerSession, BearerSessionOptions, SessionSource, SessionState, SessionStorage } from './bearer-session';
export { UserkitProvider, useUserkit } from './userkit-provider';
export type { UserkitContextValue, UserkitProviderProps } from './userkit-provider';
export { useSession, useSessionState } from './session-hooks';
export type { SessionControls } from './session-hooks';
export { useCurrentUser, useUser, useUserActivity, useUserCredits, useUsers, useUserStats } from './user-query-hooks';
export type { UserListFilters, UserListPaging } from './user-query-hooks';
export { useAdjustCredits, useChangePassword, useDeleteUser, useExportUsers, useImportUsers, useUpdateUser } from './user-mutation-hooks';
export type {
  AdjustCreditsVariables,
  ChangePasswordVariables,
  DeleteUserVariables,
  ExportFile,
  ExportUsersVariables,
  ImportRowError,
  ImportUsersVariables,
  UpdateUserVariables,
} from './user-mutation-hooks';
export { UserConflictError, isUserConflict } from './user-conflict-error';
export { userKeys } from './query-keys';
export { queryDefaults } from './query-defaults';
export type { MutationOptionsFor, QueryOptionsFor } from './query-defaults';
export { saveFile } from './save-file';
