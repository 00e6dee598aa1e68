'use client';
/**
 * A form action's pending state, with every failure shown in the error modal. A second run while
 * one is pending is ignored, so buttons can stay focusable (`aria-disabled`) while busy: a
 * `disabled` button drops focus, and focus could not return to it after the modal.
 */
import { useCallback, useRef, useState } from 'react';
import { useErrorModal } from '../components/ErrorModal';

export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>): { run(...args: A): Promise<void>; pending: boolean } {
  const [pending, setPending] = useState(false);
  const busy = useRef(false);
  const { showError } = useErrorModal();
  const run = useCallback(
    async (...args: A) => {
      if (busy.current) return;
      busy.current = true;
      setPending(true);
      try {
        await action(...args);
      } catch (error) {
        showError(error);
      } finally {
        busy.current = false;
        setPending(false);
      }
    },
    [action, showError],
  );
  return { run, pending };
}
