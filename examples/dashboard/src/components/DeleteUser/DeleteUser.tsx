'use client';
/** Deleting a user (soft), after an explicit second step on the page (never a browser `confirm()`). */
import { useDeleteUser } from '@userkit/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useErrorModal } from '../ErrorModal';

export function DeleteUser({ userId, label }: { userId: number; label: string }) {
  const remove = useDeleteUser();
  const router = useRouter();
  const { showError } = useErrorModal();
  const [confirming, setConfirming] = useState(false);
  const confirm = async () => {
    if (remove.isPending) return;
    try {
      await remove.mutateAsync({ id: userId });
      router.push('/admin/');
    } catch (error) {
      showError(error);
    }
  };
  return (
    <section aria-labelledby="delete-heading" className="card danger">
      <h2 id="delete-heading">Delete</h2>
      {confirming ? (
        <div role="group" aria-label="Confirm deletion" className="actions">
          <p>Delete {label}? They can no longer sign in.</p>
          <button type="button" className="danger" aria-disabled={remove.isPending} onClick={() => void confirm()}>
            Yes, delete
          </button>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete user
        </button>
      )}
    </section>
  );
}
