'use client';
/**
 * "My sessions": the devices signed in as this user (`GET /users/me/sessions`), each with a
 * sign-out button (`DELETE /users/me/sessions/{session_id}`).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useUserkit } from '@userkit/react';
import { listSessions, revokeSession } from '../../services/userService';
import { formatDateTime } from '../../lib/userUtils';
import { useErrorModal } from '../ErrorModal';

const sessionsKey = ['dashboard', 'sessions'] as const;

export function DeviceSessions() {
  const { client } = useUserkit();
  const { showError } = useErrorModal();
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: () => listSessions(client), retry: false });
  const revoke = useMutation({
    mutationFn: (id: string) => revokeSession(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
    onError: showError,
  });
  return (
    <section aria-labelledby="sessions-heading" className="card">
      <h2 id="sessions-heading">My sessions</h2>
      {sessions.error && <p role="alert">The sessions could not be loaded.</p>}
      {sessions.data && (
        <ul className="plain-list">
          {sessions.data.map((session) => (
            <li key={session.id}>
              {session.user_agent ?? 'Unknown device'} · since {formatDateTime(session.created_at)}
              {session.current ? ' (this device)' : ''}{' '}
              <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate(session.id)}>
                Sign out{session.current ? ' here' : ' this device'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
