'use client';
import Link from 'next/link';
import { useEffect } from 'react';
import { AccountForm } from '../../../components/AccountForm';
import { ActivityTimeline } from '../../../components/ActivityTimeline';
import { ChangePassword } from '../../../components/ChangePassword';
import { CreditsLedger } from '../../../components/CreditsLedger';
import { DeleteUser } from '../../../components/DeleteUser';
import { useErrorModal } from '../../../components/ErrorModal';
import { RequireSignIn } from '../../../components/RequireSignIn';
import { UserProfile } from '../../../components/UserProfile';
import { useQueryParam } from '../../../hooks/useQueryParam';
import { useUser } from '../../../hooks/useUser';
import { displayName, editPolicy } from '../../../lib/userUtils';
import type { User } from '../../../types/user';

function UserDetail({ me, id }: { me: User; id: number }) {
  const user = useUser(id);
  const { showError } = useErrorModal();
  useEffect(() => {
    if (user.error) showError(user.error);
  }, [user.error, showError]);
  if (!user.data) return <p role="status">{user.isPending ? 'Loading…' : 'Not found.'}</p>;
  const target = user.data;
  const policy = editPolicy(me, target);
  const self = me.id === target.id;
  return (
    <>
      <p>
        <Link href="/admin/">← All users</Link>
      </p>
      <h1>{displayName(target)}</h1>
      <UserProfile user={target} editable={policy.profile} />
      <AccountForm key={target.updated_at} user={target} policy={policy} />
      <CreditsLedger userId={target.id} canAdjust />
      <ActivityTimeline userId={target.id} />
      {!self && (policy.account || policy.role) && <ChangePassword userId={target.id} self={false} />}
      {!self && (policy.account || policy.role) && <DeleteUser userId={target.id} label={displayName(target)} />}
    </>
  );
}

export default function AdminUserPage() {
  const idParam = useQueryParam('id');
  const id = idParam ? Number(idParam) : Number.NaN;
  return (
    <RequireSignIn admin>
      {(me) => (idParam === undefined ? <p role="status">Loading…</p> : Number.isInteger(id) && id > 0 ? <UserDetail me={me} id={id} /> : <p>No such user.</p>)}
    </RequireSignIn>
  );
}
