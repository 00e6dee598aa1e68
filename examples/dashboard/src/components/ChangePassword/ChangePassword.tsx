'use client';
/**
 * Changing a password: one's own with the current password, or (an admin on someone else) setting
 * a new one. A change signs the user's sessions out, so on oneself it leads back to sign-in.
 */
import { useChangePassword, useSession } from '@userkit/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useErrorModal } from '../ErrorModal';

export function ChangePassword({ userId, self }: { userId: number; self: boolean }) {
  const change = useChangePassword();
  const { signOut } = useSession();
  const router = useRouter();
  const { showError, showMessage } = useErrorModal();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (change.isPending) return;
    try {
      await change.mutateAsync({ id: userId, body: self ? { current_password: current, new_password: next } : { new_password: next } });
      setCurrent('');
      setNext('');
      if (self) {
        await signOut();
        router.push('/signin/');
      } else {
        showMessage('Password set', 'The new password is set and the user’s sessions are signed out.');
      }
    } catch (error) {
      showError(error);
    }
  };
  return (
    <section aria-labelledby={`password-${userId}`} className="card">
      <h2 id={`password-${userId}`}>{self ? 'Change password' : 'Set a new password'}</h2>
      <form onSubmit={(e) => void submit(e)} className="form">
        {self && (
          <label>
            Current password
            <input type="password" name="current_password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
          </label>
        )}
        <label>
          New password
          <input type="password" name="new_password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <button type="submit" aria-disabled={change.isPending}>
          {self ? 'Change password' : 'Set password'}
        </button>
      </form>
    </section>
  );
}
