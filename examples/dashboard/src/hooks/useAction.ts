'use client';
/** A form action's pending state, with every failure shown in the error modal. */
import { useCallback, useState } from 'react';
import { useErrorModal } from '../components/ErrorModal';

export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>): { run(...args: A): Promise<void>; pending: boolean } {
  const [pending, setPending] = useState(false);
  const { showError } = useErrorModal();
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      try {
        await action(...args);
      } catch (error) {
        showError(error);
      } finally {
        setPending(false);
      }
    },
    [action, showError],
  );
  return { run, pending };
}
