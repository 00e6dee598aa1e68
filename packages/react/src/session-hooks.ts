/**
 * The session hooks: its state (no request), and sign-in / sign-out, which also clear every cached
 * userkit query (the next user must not see the previous one's data).
 */
import type { RouteInput, User } from '@userkit/client';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import type { SessionState } from './bearer-session';
import { queryDefaults } from './query-defaults';
import { userKeys } from './query-keys';
import { useUserkit } from './userkit-provider';

const loading: SessionState = { status: 'loading' };

/**
 * Drops every cached userkit query. In-flight fetches are cancelled and awaited first (an answer
 * already on its way would otherwise be stored after the reset), then each query is reset: an
 * observer still mounted keeps the query it had, so removing alone would leave the previous user's
 * data on screen.
 */
async function forgetAll(queryClient: QueryClient): Promise<void> {
  await queryClient.cancelQueries({ queryKey: userKeys.all });
  for (const query of queryClient.getQueryCache().findAll({ queryKey: userKeys.all })) query.reset();
  queryClient.removeQueries({ queryKey: userKeys.all });
}

/** The session state, re-rendering on change. `loading` while server rendering and hydrating. */
export function useSessionState(): SessionState {
  const { session } = useUserkit();
  // Called through `session`, not detached: a SessionSource may be a class that uses `this`.
  const subscribe = useCallback((listener: () => void) => session.subscribe(listener), [session]);
  return useSyncExternalStore(
    subscribe,
    () => session.getSnapshot(),
    () => session.getServerSnapshot?.() ?? loading,
  );
}

/** What {@link useSession} gives. */
export interface SessionControls extends SessionState {
  isSignedIn: boolean;
  /** Logs in; resolves to the user, rejects with the API error (describeError it). */
  signIn(credentials: RouteInput<'login'>['body']): Promise<User>;
  /** Forgets the session and every cached userkit query. */
  signOut(): Promise<void>;
  isSigningIn: boolean;
  /** The last sign-in failure, until the next attempt. */
  signInError: Error | null;
}

/**
 * The session and its controls.
 *
 * @example
 * ```ts
 * const { status, signIn, signOut, signInError } = useSession();
 * await signIn({ email, password }).catch(() => {}); // signInError has the reason
 * ```
 */
export function useSession(): SessionControls {
  const { client, session } = useUserkit();
  const queryClient = useQueryClient();
  const state = useSessionState();
  const login = useMutation({
    ...queryDefaults,
    mutationFn: (body: RouteInput<'login'>['body']) => client.login({ body }),
    onSuccess: async (result) => {
      await forgetAll(queryClient);
      session.signedIn(result);
      queryClient.setQueryData(userKeys.me(), result.user);
    },
  });
  const { mutateAsync } = login;
  const signIn = useCallback(async (credentials: RouteInput<'login'>['body']) => (await mutateAsync(credentials)).user, [mutateAsync]);
  const signOut = useCallback(async () => {
    await session.signedOut();
    await forgetAll(queryClient);
  }, [session, queryClient]);
  return { ...state, isSignedIn: state.status === 'signed-in', signIn, signOut, isSigningIn: login.isPending, signInError: login.error };
}
