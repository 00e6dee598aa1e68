// @vitest-environment jsdom
/**
 * The hooks with Testing Library over `@userkit/mock` (the real core in memory, behind msw), in
 * jsdom; `react-hooks.happy-dom.test.ts` runs these same tests in happy-dom.
 */
import { ConfigurationError, createUserClient, describeError, isApiError, type RouteOutput, type User } from '@userkit/client';

type UserPage = RouteOutput<'listUsers'>;
import { createMockApi } from '@userkit/mock';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { Component, createElement, type ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  createBearerSession,
  isUserConflict,
  useAdjustCredits,
  useChangePassword,
  useCurrentUser,
  useDeleteUser,
  useExportUsers,
  useImportUsers,
  useSession,
  useUpdateUser,
  useUser,
  useUserActivity,
  useUserCredits,
  useUsers,
  useUserStats,
  UserkitProvider,
  type SessionStorage,
} from './index';

const baseUrl = 'http://localhost:5173/api';
const admin = { email: 'admin@example.test', password: 'the admin passphrase' };
const api = createMockApi({
  baseUrl,
  seed: async (mock) => {
    await mock.seedUser({ ...admin, name: 'Admin', user_type: 'admin', is_super_admin: true });
    for (const name of ['Ada', 'Adele', 'Grace', 'Linus']) await mock.seedUser({ email: `${name.toLowerCase()}@example.test`, name });
  },
});
const server = setupServer(...api.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  cleanup();
  server.resetHandlers();
  await api.reset();
});
afterAll(() => server.close());

/** Holds matching requests until released: to see what the hooks show while a request is in flight. */
function gate(matches: (url: URL) => boolean) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const held: Request[] = [];
  server.use(
    http.get(`${baseUrl}/users`, async ({ request }) => {
      if (!matches(new URL(request.url))) return undefined;
      held.push(request);
      await opened;
      return undefined; // fall through to the mock
    }),
  );
  return { open, held };
}

function setup(storage?: SessionStorage) {
  const session = createBearerSession(storage ? { storage } : {});
  const signals: AbortSignal[] = [];
  const client = createUserClient({
    baseUrl,
    ...session.clientOptions,
    // Records each request's signal: the one TanStack passes, so an abort shows here.
    fetch: (input, init) => {
      signals.push(input instanceof Request ? input.signal : (init?.signal ?? new AbortController().signal));
      return fetch(input, init);
    },
  });
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children?: ReactNode }) =>
    createElement(QueryClientProvider, { client: queryClient }, createElement(UserkitProvider, { client, session }, children));
  return { session, client, queryClient, wrapper, signals };
}

async function signedInAdmin() {
  const harness = setup();
  harness.session.signedIn(await createUserClient({ baseUrl }).login({ body: admin }));
  return harness;
}

const names = (page: UserPage | undefined) => page?.items.map((u) => u.name);

describe('session', () => {
  it('signs in, loads the current user, signs out and forgets cached data', async () => {
    const { wrapper, queryClient } = setup();
    const { result } = renderHook(() => ({ session: useSession(), me: useCurrentUser() }), { wrapper });
    expect(result.current.session.status).toBe('signed-out');
    expect(result.current.me.fetchStatus).toBe('idle');

    await act(() => result.current.session.signIn(admin));

    expect(result.current.session).toMatchObject({ status: 'signed-in', isSignedIn: true });
    await waitFor(() => expect(result.current.me.data?.email).toBe(admin.email));
    expectTypeOf(result.current.me.data).toEqualTypeOf<User | undefined>();

    await act(() => result.current.session.signOut());

    expect(result.current.session.status).toBe('signed-out');
    // TanStack notifies observers on its own schedule (a timer), after act() has returned.
    await waitFor(() => expect(result.current.me.data).toBeUndefined());
    expect(queryClient.getQueryCache().findAll({ queryKey: ['userkit'], predicate: (q) => q.state.data !== undefined })).toEqual([]);
  });

  it('reports a failed sign-in, typed, and stays signed out', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => useSession(), { wrapper });

    await act(() => result.current.signIn({ ...admin, password: 'not the passphrase' }).catch(() => undefined));

    expect(result.current.status).toBe('signed-out');
    await waitFor(() => expect(isApiError(result.current.signInError, 'INVALID_CREDENTIALS')).toBe(true));
  });

  it('keeps the token in memory only, unless a storage is passed; a stored session survives a reload', async () => {
    const map = new Map<string, string>();
    const storage: SessionStorage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    const first = setup(storage);
    const { result } = renderHook(() => useSession(), { wrapper: first.wrapper });
    await act(() => result.current.signIn(admin));
    expect(JSON.parse(map.get('userkit.session') ?? '{}')).toMatchObject({ access_token: expect.any(String) });

    const reloaded = setup(storage);
    const { result: again } = renderHook(() => ({ session: useSession(), me: useCurrentUser() }), { wrapper: reloaded.wrapper });
    expect(again.current.session.status).toBe('signed-in');
    await waitFor(() => expect(again.current.me.data?.email).toBe(admin.email));
    expect(setup().session.getSnapshot().status).toBe('signed-out');
  });

  it('signs out when the server no longer accepts the token', async () => {
    const { wrapper, session } = await signedInAdmin();
    await api.reset(); // a new signing secret: the token is now invalid
    const { result } = renderHook(() => useCurrentUser(), { wrapper });
    await waitFor(() => expect(session.getSnapshot().status).toBe('signed-out'));
    expect(result.current.data).toBeUndefined();
  });
});

describe('the user list', () => {
  it('searches, filters and sorts', async () => {
    const { wrapper } = await signedInAdmin();
    const { result } = renderHook(() => useUsers({ q: 'ad', user_type: 'customer', sort: 'name' }), { wrapper });
    await waitFor(() => expect(names(result.current.data)).toEqual(['Ada', 'Adele']));
    expectTypeOf(result.current.data).toEqualTypeOf<UserPage | undefined>();
  });

  it('pages by cursor, keeping the previous page on screen while the next loads', async () => {
    const { wrapper } = await signedInAdmin();
    const { result } = renderHook(() => useUsers({ user_type: 'customer', sort: 'name', limit: 2 }), { wrapper });
    await waitFor(() => expect(names(result.current.data)).toEqual(['Ada', 'Adele']));
    expect(result.current.paging).toMatchObject({ pageIndex: 0, hasNextPage: true, hasPreviousPage: false });
    const next = gate((url) => url.searchParams.has('cursor'));

    act(() => result.current.paging.nextPage());

    await waitFor(() => expect(next.held).toHaveLength(1));
    expect(result.current.isPlaceholderData).toBe(true);
    expect(names(result.current.data)).toEqual(['Ada', 'Adele']);
    next.open();
    await waitFor(() => expect(names(result.current.data)).toEqual(['Grace', 'Linus']));
    expect(result.current.paging).toMatchObject({ pageIndex: 1, hasPreviousPage: true });

    act(() => result.current.paging.previousPage());
    await waitFor(() => expect(names(result.current.data)).toEqual(['Ada', 'Adele']));
  });

  it('aborts a superseded search on the wire and never shows it as an error', async () => {
    const { wrapper, signals, queryClient } = await signedInAdmin();
    const slow = gate((url) => url.searchParams.get('q') === 'a');
    const errors: unknown[] = [];
    const { result, rerender } = renderHook(
      ({ q }: { q: string }) => {
        const list = useUsers({ q, sort: 'name' });
        if (list.error) errors.push(list.error);
        return list;
      },
      { wrapper, initialProps: { q: 'a' } },
    );
    await waitFor(() => expect(slow.held).toHaveLength(1));

    rerender({ q: 'gra' });

    await waitFor(() => expect(names(result.current.data)).toEqual(['Grace']));
    slow.open();
    expect(signals.filter((s) => s.aborted)).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(queryClient.getQueryCache().findAll({ predicate: (q) => q.state.status === 'error' })).toEqual([]);
  });
});

describe('reads', () => {
  it('loads one user, statistics, activity and credits', async () => {
    const { wrapper } = await signedInAdmin();
    const ada = (await api.repository.findByEmail('ada@example.test'))!;
    const { result } = renderHook(() => ({ user: useUser(ada.id), stats: useUserStats(), activity: useUserActivity(ada.id), credits: useUserCredits(ada.id) }), { wrapper });
    await waitFor(() => expect(result.current.user.data?.name).toBe('Ada'));
    await waitFor(() => expect(result.current.stats.data?.total).toBe(5));
    await waitFor(() => expect(result.current.activity.data?.items).toBeInstanceOf(Array));
    await waitFor(() => expect(result.current.credits.data?.credits).toBe(0));
    expect(renderHook(() => useUser(undefined), { wrapper }).result.current.fetchStatus).toBe('idle');
  });
});

describe('mutations', () => {
  async function adaWithList() {
    const harness = await signedInAdmin();
    const ada = (await api.repository.findByEmail('ada@example.test'))!;
    const view = renderHook(
      () => ({ user: useUser(ada.id), list: useUsers({ sort: 'name', user_type: 'customer' }), stats: useUserStats(), credits: useUserCredits(ada.id) }),
      { wrapper: harness.wrapper },
    );
    await waitFor(() => expect(view.result.current.user.data && view.result.current.list.data && view.result.current.stats.data && view.result.current.credits.data).toBeTruthy());
    return { ...harness, ada: view.result.current.user.data!, view };
  }

  it('updates a profile with If-Match, and the list on screen shows the change', async () => {
    const { wrapper, ada, view } = await adaWithList();
    const { result } = renderHook(() => useUpdateUser(), { wrapper });

    await act(() => result.current.mutateAsync({ id: ada.id, ifMatch: ada, body: { name: 'Ada Lovelace' } }));

    await waitFor(() => expect(view.result.current.user.data?.name).toBe('Ada Lovelace'));
    await waitFor(() => expect(names(view.result.current.list.data)).toContain('Ada Lovelace'));
  });

  it('surfaces a 412 as a typed conflict with the user as it is now', async () => {
    const { wrapper, ada, client, view } = await adaWithList();
    await client.updateUser({ id: ada.id, body: { city: 'London' } }); // e.g. another tab
    const { result } = renderHook(() => useUpdateUser(), { wrapper });

    await act(() => result.current.mutateAsync({ id: ada.id, ifMatch: ada, body: { name: 'Stale' } }).catch(() => undefined));

    await waitFor(() => expect(result.current.conflict).not.toBeNull());
    expect(isUserConflict(result.current.error)).toBe(true);
    expect(result.current.conflict?.latest).toMatchObject({ city: 'London', name: 'Ada' });
    expect(describeError(result.current.error)).toMatchObject({ code: 'PRECONDITION_FAILED', title: 'Changed by someone else' });
    await waitFor(() => expect(view.result.current.user.data?.city).toBe('London'));
  });

  it('changes a password', async () => {
    const { wrapper, ada } = await adaWithList();
    const { result } = renderHook(() => useChangePassword(), { wrapper });
    await act(() => result.current.mutateAsync({ id: ada.id, body: { new_password: 'a brand new passphrase' } }));
    await expect(createUserClient({ baseUrl }).login({ body: { email: 'ada@example.test', password: 'a brand new passphrase' } })).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('adjusts credits, and the balance, the user and the statistics refetch', async () => {
    const { wrapper, ada, view } = await adaWithList();
    const { result } = renderHook(() => useAdjustCredits(), { wrapper });
    await act(() => result.current.mutateAsync({ id: ada.id, body: { amount: 25, reason: 'welcome' } }));
    await waitFor(() => expect(view.result.current.credits.data?.credits).toBe(25));
    await waitFor(() => expect(view.result.current.user.data?.credits).toBe(25));
    await waitFor(() => expect(view.result.current.stats.data?.credits_in_circulation).toBe(25));
  });

  it('deletes a user, and the list and statistics refetch', async () => {
    const { wrapper, ada, view } = await adaWithList();
    const { result } = renderHook(() => useDeleteUser(), { wrapper });
    await act(() => result.current.mutateAsync({ id: ada.id }));
    await waitFor(() => expect(names(view.result.current.list.data)).toEqual(['Adele', 'Grace', 'Linus']));
    await waitFor(() => expect(view.result.current.stats.data?.total).toBe(4));
  });

  it('imports: a dry run lists the bad rows and changes nothing; the real run refetches the list', async () => {
    const { wrapper, view } = await adaWithList();
    const { result } = renderHook(() => useImportUsers(), { wrapper });
    const bad = 'email,name,password\nhedy@example.test,Hedy,a long passphrase\nnot-an-email,Bad,a long passphrase\n';

    await act(() => result.current.mutateAsync({ body: bad, contentType: 'text/csv', query: { dry_run: true } }).catch(() => undefined));
    await waitFor(() => expect(result.current.rowErrors).toEqual([expect.objectContaining({ row: 2, path: 'email' })]));
    expect(describeError(result.current.error).fields).toEqual({ email: ['Row 2: Enter a valid email address'] });

    const good = 'email,name,password\nhedy@example.test,Hedy,a long passphrase\n';
    const check = await act(() => result.current.mutateAsync({ body: good, contentType: 'text/csv', query: { dry_run: true } }));
    expect(check).toMatchObject({ dry_run: true, created: 1 });
    expect(await api.repository.findByEmail('hedy@example.test')).toBeUndefined();

    const done = await act(() => result.current.mutateAsync({ body: good, contentType: 'text/csv' }));
    expect(done).toMatchObject({ dry_run: false, created: 1 });
    await waitFor(() => expect(names(view.result.current.list.data)).toContain('Hedy'));
  });

  it('downloads an export as a file', async () => {
    const { wrapper } = await signedInAdmin();
    const { result } = renderHook(() => useExportUsers(), { wrapper });
    const file = await act(() => result.current.mutateAsync({ query: { format: 'csv', user_type: 'customer' } }));
    expect(file.filename).toMatch(/\.csv$/);
    expect(await file.blob.text()).toContain('grace@example.test');
  });
});

describe('configuration errors', () => {
  class Boundary extends Component<{ children?: ReactNode }, { error: unknown }> {
    override state = { error: null };
    static getDerivedStateFromError(error: unknown) {
      return { error };
    }
    override render() {
      return this.state.error ? createElement('p', null, `boundary: ${String(this.state.error)}`) : this.props.children;
    }
  }

  it('go to the nearest error boundary: they are the app\'s bug, not an end-user error', async () => {
    const session = createBearerSession();
    const client = createUserClient({ baseUrl, ...session.clientOptions });
    const misconfigured = { ...client, getUser: () => Promise.reject(new ConfigurationError('Missing path parameter "id"')) };
    const queryClient = new QueryClient();
    vi.spyOn(console, 'error').mockImplementation(() => {}); // React reports the caught error
    function Profile() {
      const user = useUser(1);
      return createElement('p', null, user.error ? 'end-user error' : 'loading');
    }

    render(createElement(QueryClientProvider, { client: queryClient }, createElement(UserkitProvider, { client: misconfigured, session }, createElement(Boundary, null, createElement(Profile)))));

    expect(await screen.findByText(/boundary: ConfigurationError/)).toBeTruthy();
    vi.restoreAllMocks();
  });
});
