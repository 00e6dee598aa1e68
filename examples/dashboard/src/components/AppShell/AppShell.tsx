'use client';
/**
 * The providers (TanStack Query, userkit, the error modal) and the page frame: a skip link, the
 * navigation for the session's state, and the main landmark.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { UserkitProvider, useCurrentUser, useSession } from '@userkit/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { createUserService } from '../../services/userService';
import { ErrorModalProvider, useErrorModal } from '../ErrorModal';

export function AppShell({ children }: { children: ReactNode }) {
  const [{ queryClient, service }] = useState(() => ({ queryClient: new QueryClient(), service: createUserService() }));
  return (
    <QueryClientProvider client={queryClient}>
      <UserkitProvider client={service.client} session={service.session}>
        <ErrorModalProvider>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <header className="site-header">
            <Link href="/" className="brand">
              userkit
            </Link>
            <Navigation />
          </header>
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </ErrorModalProvider>
      </UserkitProvider>
    </QueryClientProvider>
  );
}

function Navigation() {
  const { isSignedIn, signOut, status } = useSession();
  const me = useCurrentUser();
  const router = useRouter();
  const { showError } = useErrorModal();
  if (status === 'loading') return <nav aria-label="Main" />;
  return (
    <nav aria-label="Main">
      <ul>
        {isSignedIn ? (
          <>
            <li>
              <Link href="/profile/">My profile</Link>
            </li>
            {me.data?.user_type === 'admin' && (
              <li>
                <Link href="/admin/">Users</Link>
              </li>
            )}
            <li>
              <button
                type="button"
                onClick={() =>
                  void signOut()
                    .then(() => router.push('/signin/'))
                    .catch(showError)
                }
              >
                Sign out
              </button>
            </li>
          </>
        ) : (
          <>
            <li>
              <Link href="/signin/">Sign in</Link>
            </li>
            <li>
              <Link href="/signup/">Sign up</Link>
            </li>
          </>
        )}
      </ul>
    </nav>
  );
}
