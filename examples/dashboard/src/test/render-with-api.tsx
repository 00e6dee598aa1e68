/**
 * Test support: the dashboard's providers over `@userkit/mock` (the real core in memory behind
 * msw), signed in as a seeded user.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createUserClient, type User } from '@userkit/client';
import { createMockApi } from '@userkit/mock';
import { createBearerSession, UserkitProvider } from '@userkit/react';
import type { ReactNode } from 'react';
import { ErrorModalProvider } from '../components/ErrorModal';

export const baseUrl = 'http://localhost:5173/api';
export const admin = { email: 'admin@example.test', password: 'the admin passphrase' };
export const customer = { email: 'ada@example.test', password: 'the customer passphrase' };

export const api = createMockApi({
  baseUrl,
  seed: async (mock) => {
    await mock.seedUser({ ...admin, name: 'Admin', user_type: 'admin', is_super_admin: true });
    await mock.seedUser({ ...customer, name: 'Ada', city: 'London' });
  },
});

/** Providers signed in as `who`; `user` is that user as the API has it now. */
export async function signedIn(who: { email: string; password: string }) {
  const session = createBearerSession();
  const client = createUserClient({ baseUrl, ...session.clientOptions });
  const login = await createUserClient({ baseUrl }).login({ body: who });
  session.signedIn(login);
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children?: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <UserkitProvider client={client} session={session}>
        <ErrorModalProvider>{children}</ErrorModalProvider>
      </UserkitProvider>
    </QueryClientProvider>
  );
  return { wrapper, client, user: login.user as User, token: login.access_token, queryClient };
}

/** Someone else's change to `id` behind the page's back (what makes the page's copy stale). */
export async function changeElsewhere(who: { email: string; password: string }, id: number, body: { city: string }) {
  const client = createUserClient({ baseUrl });
  const { access_token } = await client.login({ body: who });
  await createUserClient({ baseUrl, token: access_token }).updateUser({ id, body });
}
