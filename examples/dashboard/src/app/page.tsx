'use client';
import { useSession } from '@userkit/react';
import Link from 'next/link';

export default function Home() {
  const { isSignedIn } = useSession();
  return (
    <section className="card">
      <h1>userkit dashboard</h1>
      <p>Profiles and user administration over the userkit API.</p>
      {isSignedIn ? (
        <p>
          Go to <Link href="/profile/">your profile</Link>.
        </p>
      ) : (
        <p>
          <Link href="/signin/">Sign in</Link> or <Link href="/signup/">create an account</Link>.
        </p>
      )}
    </section>
  );
}
