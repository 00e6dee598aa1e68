/**
 * Defaults shared by every hook, and the option types hooks accept.
 */
import { isConfigurationError } from '@userkit/client';
import type { UseMutationOptions, UseQueryOptions } from '@tanstack/react-query';

/** A hook's TanStack options, minus what the hook sets itself. */
export type QueryOptionsFor<T> = Omit<UseQueryOptions<T, Error, T, readonly unknown[]>, 'queryKey' | 'queryFn'>;

/** A mutation hook's TanStack options, minus what the hook sets itself (its own callbacks still run first). */
export type MutationOptionsFor<TData, TVariables> = Omit<UseMutationOptions<TData, Error, TVariables>, 'mutationFn'>;

/**
 * - `retry: false`: the client already retries what is safe to retry (GET, PUT, DELETE on 408,
 *   429, 5xx and network errors, honouring Retry-After); a second layer would multiply the waits.
 * - `throwOnError` for configuration errors: they are the app's bug, not the user's, so they go to
 *   the nearest error boundary instead of an end-user message (see describeError in docs/client.md).
 */
export const queryDefaults = {
  retry: false,
  throwOnError: (error: Error) => isConfigurationError(error),
} as const;
