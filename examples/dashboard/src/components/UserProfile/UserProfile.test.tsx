/**
 * UserProfile over the mock API: it shows the user, saves only what changed, and a stale edit
 * (someone else changed the user meanwhile) is refused and explained in the error modal, which
 * traps focus, closes on Escape and gives focus back.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useUser } from '../../hooks/useUser';
import { ErrorModal } from '../ErrorModal';
import { api, changeElsewhere, customer, signedIn } from '../../test/render-with-api';
import { UserProfile } from './UserProfile';

const server = setupServer(...api.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(async () => {
  cleanup();
  await api.reset();
});
afterAll(() => server.close());

/** The signed-in user's profile, as the profile page shows it. */
function MyProfile() {
  const me = useUser();
  return me.data ? <UserProfile user={me.data} /> : <p>Loading…</p>;
}

describe('UserProfile', () => {
  it('shows the profile', async () => {
    const { wrapper } = await signedIn(customer);
    render(<MyProfile />, { wrapper });
    expect(await screen.findByRole('heading', { name: 'Ada' })).toBeTruthy();
    expect(screen.getByText('London')).toBeTruthy();
    expect(screen.getByText(/ada@example\.test/)).toBeTruthy();
  });

  it('edits and saves only the changed fields', async () => {
    const { wrapper, client, user: me } = await signedIn(customer);
    const sent: unknown[] = [];
    server.events.on('request:start', ({ request }) => {
      if (request.method === 'PUT') void request.clone().json().then((body) => sent.push(body));
    });
    render(<MyProfile />, { wrapper });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit profile' }));
    fireEvent.change(screen.getByRole('textbox', { name: 'City' }), { target: { value: 'Paris' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Paris')).toBeTruthy();
    expect(sent).toEqual([{ city: 'Paris' }]);
    expect((await client.getUser({ id: me.id })).city).toBe('Paris');
    server.events.removeAllListeners();
  });

  it('shows a stale edit in the modal, traps focus there and gives it back on Escape', async () => {
    const { wrapper, user: me } = await signedIn(customer);
    render(<MyProfile />, { wrapper });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit profile' }));
    await changeElsewhere(customer, me.id, { city: 'Berlin' });
    fireEvent.change(screen.getByRole('textbox', { name: 'City' }), { target: { value: 'Paris' } });
    const save = screen.getByRole('button', { name: 'Save' });
    save.focus();
    fireEvent.click(save);

    const dialog = await screen.findByRole('dialog', { name: 'Changed by someone else' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(within(dialog).getByText(/changed since you opened it/)).toBeTruthy();
    const close = within(dialog).getByRole('button', { name: 'Close' });
    expect(document.activeElement).toBe(close);
    // The only control: Tab and Shift+Tab are kept inside (the browser's move is prevented).
    expect(fireEvent.keyDown(close, { key: 'Tab' })).toBe(false);
    expect(fireEvent.keyDown(close, { key: 'Tab', shiftKey: true })).toBe(false);
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(save);
    // The form starts again from what is stored now.
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'City' }) as HTMLInputElement).value).toBe('Berlin'));
  });
});

describe('ErrorModal focus trap', () => {
  it('wraps Tab from the last control to the first and Shift+Tab back', () => {
    render(
      <ErrorModal title="Problem" message="Something failed" onClose={() => {}}>
        <a href="#details">Details</a>
      </ErrorModal>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Problem' });
    const first = within(dialog).getByRole('link', { name: 'Details' });
    const last = within(dialog).getByRole('button', { name: 'Close' });
    expect(document.activeElement).toBe(last);
    expect(fireEvent.keyDown(last, { key: 'Tab' })).toBe(false);
    expect(document.activeElement).toBe(first);
    expect(fireEvent.keyDown(first, { key: 'Tab', shiftKey: true })).toBe(false);
    expect(document.activeElement).toBe(last);
  });
});
