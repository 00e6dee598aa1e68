/**
 * The write hooks. Each invalidates what it changed, through the {@link userKeys} factory, so every
 * list, detail, statistic and balance on screen refetches. A hook's own options may add callbacks;
 * they run after the hook's invalidation.
 */
import { isApiError, type RouteInput, type RouteOutput, type User, type UserClient } from '@userkit/client';
import { useMutation, useQueryClient, type QueryClient, type UseMutationResult } from '@tanstack/react-query';
import { queryDefaults, type MutationOptionsFor } from './query-defaults';
import { userKeys } from './query-keys';
import { UserConflictError } from './user-conflict-error';
import { useUserkit } from './userkit-provider';

/** Everything a change to user `id` can show up in: lists, statistics, the signed-in user. */
function invalidateAround(queryClient: QueryClient, id: number): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: userKeys.lists() }),
    queryClient.invalidateQueries({ queryKey: userKeys.stats() }),
    queryClient.invalidateQueries({ queryKey: userKeys.me() }),
    queryClient.invalidateQueries({ queryKey: [...userKeys.detail(id), 'activity'] }),
  ]);
}

/** What a write hook does itself, before the caller's own callbacks of the same name. */
interface OwnEffects<TData, TVariables> {
  onSuccess?: (queryClient: QueryClient, data: TData, variables: TVariables) => unknown;
  onError?: (queryClient: QueryClient, error: Error, variables: TVariables) => unknown;
}

/**
 * The body every write hook shares: the defaults, the caller's options, `mutate` with the
 * client, and the hook's own effects (what the write changed refetches), awaited before the
 * caller's `onSuccess` or `onError` runs.
 */
function useUserkitMutation<TData, TVariables>(
  options: MutationOptionsFor<TData, TVariables>,
  mutate: (client: UserClient, variables: TVariables) => Promise<TData>,
  own: OwnEffects<TData, TVariables> = {},
): UseMutationResult<TData, Error, TVariables> {
  const { client } = useUserkit();
  const queryClient = useQueryClient();
  return useMutation({
    ...queryDefaults,
    ...options,
    mutationFn: (variables: TVariables) => mutate(client, variables),
    onSuccess: async (data, variables, ...rest) => {
      await own.onSuccess?.(queryClient, data, variables);
      await options.onSuccess?.(data, variables, ...rest);
    },
    onError: async (error, variables, ...rest) => {
      await own.onError?.(queryClient, error, variables);
      await options.onError?.(error, variables, ...rest);
    },
  });
}

export type UpdateUserVariables = RouteInput<'updateUser'>;

/**
 * Updates a profile, with `If-Match` (pass the user the form loaded as `ifMatch`). A 412 rejects
 * with a {@link UserConflictError} carrying the user as it is now; the cache gets that fresh copy.
 *
 * @example
 * ```ts
 * const update = useUpdateUser();
 * update.mutate({ id: user.id, ifMatch: user, body: { city: 'Lisbon' } });
 * if (update.conflict) showReload(update.conflict.latest);
 * ```
 */
export function useUpdateUser(
  options: MutationOptionsFor<User, UpdateUserVariables> = {},
): UseMutationResult<User, Error, UpdateUserVariables> & { conflict: UserConflictError | null } {
  const result = useUserkitMutation(
    options,
    async (client, variables: UpdateUserVariables) => {
      try {
        return await client.updateUser(variables);
      } catch (error) {
        if (!isApiError(error, 'PRECONDITION_FAILED')) throw error;
        const latest = await client.getUser({ id: variables.id }).catch(() => undefined);
        throw new UserConflictError(error, latest);
      }
    },
    {
      onSuccess: async (queryClient, user) => {
        queryClient.setQueryData(userKeys.detail(user.id), user);
        await invalidateAround(queryClient, user.id);
      },
      onError: async (queryClient, error, variables) => {
        if (!(error instanceof UserConflictError)) return;
        if (error.latest) queryClient.setQueryData(userKeys.detail(variables.id), error.latest);
        await queryClient.invalidateQueries({ queryKey: userKeys.lists() });
      },
    },
  );
  return Object.assign(result, { conflict: result.error instanceof UserConflictError ? result.error : null });
}

export type ChangePasswordVariables = RouteInput<'changePassword'>;

/** Changes a password (`current_password` when it is your own). */
export function useChangePassword(options: MutationOptionsFor<void, ChangePasswordVariables> = {}): UseMutationResult<void, Error, ChangePasswordVariables> {
  return useUserkitMutation(options, (client, variables: ChangePasswordVariables) => client.changePassword(variables), {
    onSuccess: (queryClient, _data, variables) => queryClient.invalidateQueries({ queryKey: userKeys.detail(variables.id) }),
  });
}

export type AdjustCreditsVariables = RouteInput<'adjustCredits'> & {
  /**
   * The `Idempotency-Key`: the same key never adjusts twice. Default: a new random key per call;
   * pass your own to make a retried click safe across calls.
   */
  idempotencyKey?: string;
};

/** Adds or removes credits; the balance, the credit history, lists and statistics refetch. */
export function useAdjustCredits(
  options: MutationOptionsFor<RouteOutput<'adjustCredits'>, AdjustCreditsVariables> = {},
): UseMutationResult<RouteOutput<'adjustCredits'>, Error, AdjustCreditsVariables> {
  return useUserkitMutation(
    options,
    (client, { idempotencyKey, ...input }: AdjustCreditsVariables) =>
      client.adjustCredits(input, { headers: { 'idempotency-key': idempotencyKey ?? globalThis.crypto.randomUUID() } }),
    {
      onSuccess: (queryClient, _data, variables) =>
        Promise.all([queryClient.invalidateQueries({ queryKey: userKeys.detail(variables.id) }), invalidateAround(queryClient, variables.id)]),
    },
  );
}

export type DeleteUserVariables = RouteInput<'deleteUser'>;

/** Deletes a user; its cached detail is dropped, lists and statistics refetch. */
export function useDeleteUser(options: MutationOptionsFor<void, DeleteUserVariables> = {}): UseMutationResult<void, Error, DeleteUserVariables> {
  return useUserkitMutation(options, (client, variables: DeleteUserVariables) => client.deleteUser(variables), {
    onSuccess: (queryClient, _data, variables) => {
      queryClient.removeQueries({ queryKey: userKeys.detail(variables.id) });
      return Promise.all([queryClient.invalidateQueries({ queryKey: userKeys.lists() }), queryClient.invalidateQueries({ queryKey: userKeys.stats() })]);
    },
  });
}

export type ImportUsersVariables = RouteInput<'importUsers'>;

/** One bad row of an import: its number (1 = the first data row), the field and the message. */
export interface ImportRowError {
  row: number;
  path: string;
  message: string;
  code: string;
}

/**
 * Imports users from CSV or NDJSON. With `query: { dry_run: true }` nothing is written and
 * nothing refetches. Bad rows reject the whole import (VALIDATION_ERROR, nothing changed, dry run
 * or not); `rowErrors` lists them (`row`, `path`, `message`) from the error, or from the result
 * when rows were skipped. A real import that changed something refetches every user query and the
 * statistics.
 *
 * @example
 * ```ts
 * const importUsers = useImportUsers();
 * await importUsers.mutateAsync({ body: file, query: { dry_run: true } }).catch(() => {});
 * // importUsers.rowErrors: [{ row: 2, path: 'email', message: 'Enter a valid email address', … }]
 * ```
 */
export function useImportUsers(
  options: MutationOptionsFor<RouteOutput<'importUsers'>, ImportUsersVariables> = {},
): UseMutationResult<RouteOutput<'importUsers'>, Error, ImportUsersVariables> & { rowErrors: ImportRowError[] } {
  const result = useUserkitMutation(options, (client, variables: ImportUsersVariables) => client.importUsers(variables), {
    onSuccess: async (queryClient, data) => {
      if (data.dry_run || data.created + data.updated === 0) return;
      await Promise.all([queryClient.invalidateQueries({ queryKey: userKeys.users() }), queryClient.invalidateQueries({ queryKey: userKeys.stats() })]);
    },
  });
  const fromError = isApiError(result.error, 'VALIDATION_ERROR')
    ? result.error.errors.flatMap((e) => (e.row !== undefined ? [{ row: e.row, path: e.path, message: e.message, code: e.code }] : []))
    : [];
  return Object.assign(result, { rowErrors: result.data?.errors ?? fromError });
}

/** A downloaded export. */
export interface ExportFile {
  blob: Blob;
  /** From `Content-Disposition`, else `users.csv` / `users.ndjson`. */
  filename: string;
  contentType: string;
}

export type ExportUsersVariables = RouteInput<'exportUsers'>;

/**
 * Downloads an export (CSV or NDJSON, with the list's filters) as a Blob. Hand it to
 * {@link saveFile} to offer it to the user.
 */
export function useExportUsers(options: MutationOptionsFor<ExportFile, ExportUsersVariables> = {}): UseMutationResult<ExportFile, Error, ExportUsersVariables> {
  return useUserkitMutation(options, async (client, variables: ExportUsersVariables) => {
    const response = await client.exportUsers(variables);
    const contentType = response.headers.get('content-type') ?? 'text/csv';
    const named = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1];
    const filename = named ?? (contentType.includes('ndjson') ? 'users.ndjson' : 'users.csv');
    return { blob: await response.blob(), filename, contentType };
  });
}
