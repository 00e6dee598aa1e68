'use client';
/**
 * The dashboard's user hooks, over `@userkit/react`: the user a page shows (the signed-in one or
 * one by id), and saving changes to it with the conflict check. Every failure goes to the error
 * modal; a stale edit (412) shows what the user looks like now, and the form continues from it.
 */
import { useQueryClient } from '@tanstack/react-query';
import { isUserConflict, useCurrentUser, useUpdateUser, useUser as useUserById, userKeys } from '@userkit/react';
import { createElement, useCallback } from 'react';
import { useErrorModal } from '../components/ErrorModal';
import { displayName, formatDateTime } from '../lib/userUtils';
import type { User, UserPatch } from '../types/user';

/** The signed-in user when `id` is undefined, else the user with that id. */
export function useUser(id?: number) {
  const me = useCurrentUser({ enabled: id === undefined });
  const other = useUserById(id);
  return id === undefined ? me : other;
}

export interface UserEditor {
  /** Saves `patch` over `user` (If-Match its version); resolves to the saved user, or undefined after showing the error. */
  save(user: User, patch: UserPatch): Promise<User | undefined>;
  isSaving: boolean;
}

/** Saving a user's changes; errors, conflicts included, are shown in the modal. */
export function useUserEditor(): UserEditor {
  const update = useUpdateUser();
  const { showError } = useErrorModal();
  const queryClient = useQueryClient();
  const { mutateAsync } = update;
  const save = useCallback(
    async (user: User, patch: UserPatch) => {
      if (Object.keys(patch).length === 0) return user;
      try {
        const saved = await mutateAsync({ id: user.id, ifMatch: user, body: patch });
        await queryClient.invalidateQueries({ queryKey: userKeys.me() });
        return saved;
      } catch (error) {
        const latest = isUserConflict(error) ? error.latest : undefined;
        // The signed-in user's own query too: the form continues from what is stored now.
        if (latest) await queryClient.invalidateQueries({ queryKey: userKeys.me() });
        showError(
          error,
          latest
            ? createElement('p', { className: 'conflict-latest' }, `Now: ${displayName(latest)}, last changed ${formatDateTime(latest.updated_at)}. The form shows the latest values; make your change again.`)
            : undefined,
        );
        return undefined;
      }
    },
    [mutateAsync, showError, queryClient],
  );
  return { save, isSaving: update.isPending };
}
