'use client';
import { ChangePassword } from '../../components/ChangePassword';
import { DeviceSessions } from '../../components/DeviceSessions';
import { RequireSignIn } from '../../components/RequireSignIn';
import { UserProfile } from '../../components/UserProfile';

export default function ProfilePage() {
  return (
    <RequireSignIn>
      {(me) => (
        <>
          <h1>My profile</h1>
          <UserProfile user={me} />
          <ChangePassword userId={me.id} self />
          <DeviceSessions />
        </>
      )}
    </RequireSignIn>
  );
}
