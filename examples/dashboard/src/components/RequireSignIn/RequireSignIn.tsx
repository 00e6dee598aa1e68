'use client';
/** Renders its children for a signed-in user (an admin when `admin`), else says what to do. */
import { useCurrentUser, useSession } from '@userkit/react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { User } from '../../types/user';

export function RequireSignIn({ admin = false, children }: { admin?: boolean; children: (user: User) => ReactNode }) {
  const { status } = useSession();
  const me = useCurrentUser();
  if (status === 'loading' || (status === 'signed-in' && me.isPending)) return <p role="status">Loading…</p>;
  if (status === 'signed-out' || !me.data) {
    return (
      <section className="card narrow">
        <h1>Please sign in</h1>
        <p>
          <Link href="/signin/">Sign in</Link> to continue.
        </p>
      </section>
    );
  }
  if (admin && me.data.user_type !== 'admin') {
    return (
      <section className="card narrow">
        <h1>Admins only</h1>
        <p>This page is for administrators.</p>
      </section>
    );
  }
  return <>{children(me.data)}</>;
}
