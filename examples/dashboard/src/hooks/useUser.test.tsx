/** The dashboard's hooks over the mock API: which user useUser loads, and how useUserEditor saves and reports. */
import { act, cleanup, renderHook, screen, waitFor, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admin, api, customer, signedIn } from '../test/render-with-api';
import { useAction } from './useAction';
import { useUser, useUserEditor } from './useUser';

const server = setupServer(...api.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  cleanup();
  await api.reset();
});
afterAll(() => server.close());

describe('useUser', () => {
  it('loads the signed-in user without an id, and the user with that id with one', async () => {
    const { wrapper, user: me, client } = await signedIn(admin);
    const ada = (await client.listUsers({ query: { q: 'ada' } })).items[0];
    const { result } = renderHook(() => ({ me: useUser(), other: useUser(ada?.id) }), { wrapper });
    await waitFor(() => expect(result.current.me.data?.id).toBe(me.id));
    await waitFor(() => expect(result.current.other.data?.email).toBe(customer.email));
  });
});

describe('useUserEditor', () => {
  it('sends nothing when nothing changed, and saves a change', async () => {
    const { wrapper, user: me } = await signedIn(customer);
    const { result } = renderHook(() => useUserEditor(), { wrapper });
    expect(await result.current.save(me, {})).toBe(me);
    const saved = await act(() => result.current.save(me, { city: 'Oslo' }));
    expect(saved?.city).toBe('Oslo');
  });

  it('shows a refused change in the modal with the field messages, and resolves to undefined', async () => {
    const { wrapper, user: me } = await signedIn(customer);
    const { result } = renderHook(() => useUserEditor(), { wrapper });
    const saved = await act(() => result.current.save(me, { business_site: 'not a url' }));
    expect(saved).toBeUndefined();
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Business site')).toBeTruthy();
  });
});

describe('useAction', () => {
  it('shows a failure in the modal (never alert) and clears pending', async () => {
    const { wrapper, client } = await signedIn(customer);
    const { result } = renderHook(() => useAction(async () => void (await client.login({ body: { email: customer.email, password: 'wrong password here' } }))), { wrapper });
    await act(() => result.current.run());
    expect(result.current.pending).toBe(false);
    expect(await screen.findByRole('dialog')).toBeTruthy();
  });

  it('ignores a second run while the first is pending', async () => {
    const { wrapper } = await signedIn(customer);
    let calls = 0;
    let finish!: () => void;
    const { result } = renderHook(() => useAction(() => { calls++; return new Promise<void>((done) => (finish = done)); }), { wrapper });
    let first!: Promise<void>;
    act(() => {
      first = result.current.run();
      void result.current.run();
    });
    expect(calls).toBe(1);
    await act(async () => {
      finish();
      await first;
    });
    expect(result.current.pending).toBe(false);
  });
});
