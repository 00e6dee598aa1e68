/**
 * `UserkitProvider`: holds the client and the session for the hooks below it. TanStack Query's
 * own `QueryClientProvider` must be above it (the app owns the query client and its defaults).
 *
 * Written with `createElement`, not JSX, so the package needs no JSX build step.
 */
import type { UserClient } from '@userkit/client';
import { createContext, createElement, useContext, useMemo, type ReactNode } from 'react';
import type { SessionSource } from './bearer-session';

/** What the provider holds. */
export interface UserkitContextValue {
  client: UserClient;
  session: SessionSource;
}

const UserkitContext = createContext<UserkitContextValue | null>(null);

export interface UserkitProviderProps {
  /** A client whose auth comes from the session: `createUserClient({ baseUrl, ...session.clientOptions })`. */
  client: UserClient;
  session: SessionSource;
  children?: ReactNode;
}

/**
 * @example
 * ```tsx
 * const queryClient = new QueryClient();
 * const session = createBearerSession();
 * const client = createUserClient({ baseUrl: '/api', ...session.clientOptions });
 *
 * <QueryClientProvider client={queryClient}>
 *   <UserkitProvider client={client} session={session}>
 *     <App />
 *   </UserkitProvider>
 * </QueryClientProvider>
 * ```
 */
export function UserkitProvider({ client, session, children }: UserkitProviderProps) {
  const value = useMemo(() => ({ client, session }), [client, session]);
  return createElement(UserkitContext.Provider, { value }, children);
}

/** The provider's client and session. Throws when used outside a {@link UserkitProvider}. */
export function useUserkit(): UserkitContextValue {
  const value = useContext(UserkitContext);
  if (!value) throw new Error('useUserkit: wrap your app in <UserkitProvider client={…} session={…}> (inside a QueryClientProvider)');
  return value;
}
