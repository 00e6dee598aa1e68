'use client';
/**
 * The one way the dashboard reports an error: an accessible modal dialog, never a native browser dialog.
 * `role="dialog"` with `aria-modal`, labelled by its title and described by its message; focus
 * moves into it when it opens, Tab and Shift+Tab stay inside it, Escape closes it, and focus goes
 * back to what had it before. The copy comes from `describeError` (end-user wording per code).
 */
import { describeError } from '@userkit/client';
import { fieldLabel } from '../../lib/userUtils';
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface ErrorModalProps {
  title: string;
  message: string;
  /** Per-field messages, listed under the message. */
  fields?: Record<string, string[]>;
  /** Extra content (e.g. the latest values after a conflict). */
  children?: ReactNode;
  onClose(): void;
}

const focusable = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The dialog itself. */
export function ErrorModal({ title, message, fields = {}, children, onClose }: ErrorModalProps) {
  const titleId = useId();
  const messageId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => {
      // Back to what had focus; if it is gone meanwhile (the page re-rendered), to the main content.
      if (previous?.isConnected && previous !== document.body) previous.focus();
      else document.getElementById('main')?.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const items = [...dialog.current.querySelectorAll<HTMLElement>(focusable)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const fieldEntries = Object.entries(fields).filter(([, messages]) => messages.length > 0);
  return (
    <div className="modal-backdrop">
      <div ref={dialog} className="modal" role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={messageId} onKeyDown={onKeyDown}>
        <h2 id={titleId}>{title}</h2>
        <p id={messageId}>{message}</p>
        {fieldEntries.length > 0 && (
          <ul className="field-errors">
            {fieldEntries.map(([field, messages]) => (
              <li key={field}>
                <strong>{field === '_' ? 'Input' : fieldLabel(field.split('.')[0] ?? field)}</strong>: {messages.join(' ')}
              </li>
            ))}
          </ul>
        )}
        {children}
        <div className="actions">
          <button ref={closeButton} type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

interface Shown {
  title: string;
  message: string;
  fields: Record<string, string[]>;
  extra?: ReactNode;
}

interface ErrorModalApi {
  /** Shows `error` in the modal, worded by describeError; a cancelled request shows nothing. */
  showError(error: unknown, extra?: ReactNode): void;
  /** Shows a message of the app's own (e.g. a notice that is not an API error). */
  showMessage(title: string, message: string): void;
}

const ErrorModalContext = createContext<ErrorModalApi | null>(null);

/** Hosts the modal for the whole app. */
export function ErrorModalProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<Shown | null>(null);
  const showError = useCallback((error: unknown, extra?: ReactNode) => {
    const description = describeError(error);
    if (description.ignore) return;
    if (description.developerMessage) console.error(description.developerMessage);
    setShown({ title: description.title, message: description.message, fields: description.fields as Record<string, string[]>, extra });
  }, []);
  const showMessage = useCallback((title: string, message: string) => setShown({ title, message, fields: {} }), []);
  const api = useMemo(() => ({ showError, showMessage }), [showError, showMessage]);
  return (
    <ErrorModalContext.Provider value={api}>
      {children}
      {shown && (
        <ErrorModal title={shown.title} message={shown.message} fields={shown.fields} onClose={() => setShown(null)}>
          {shown.extra}
        </ErrorModal>
      )}
    </ErrorModalContext.Provider>
  );
}

/** The modal's controls; inside {@link ErrorModalProvider}. */
export function useErrorModal(): ErrorModalApi {
  const api = useContext(ErrorModalContext);
  if (!api) throw new Error('useErrorModal needs an <ErrorModalProvider> above it');
  return api;
}
