'use client';
/**
 * "My sessions": the devices signed in as this user, each with a sign-out button. Built against
 * the client's `listSessions` / `revokeSession`; with a client or API that does not offer them yet
 * the section says so instead of failing.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useUserkit } from '@userkit/react';
import { clientHas, listSessions, revokeSession } from '../../services/userService';
import { formatDateTime } from '../../lib/userUtils';
import { useErrorModal } from '../ErrorModal';

const sessionsKey = ['dashboard', 'sessions'] as const;

export function DeviceSessions() {
  const { client } = useUserkit();
  const { showError } = useErrorModal();
  const queryClient = useQueryClient();
  const available = clientHas(client, 'listSessions') && clientHas(client, 'revokeSession');
  const sessions = useQuery({ queryKey: sessionsKey, queryFn: () => listSessions(client), enabled: available, retry: false });
  const revoke = useMutation({
    mutationFn: (id: string) => revokeSession(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
    onError: showError,
  });
  return (
    <section aria-labelledby="sessions-heading" className="card">
      <h2 id="sessions-heading">My sessions</h2>
      {!available && <p>Signed-in devices are listed here once the API offers sessions.</p>}
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
