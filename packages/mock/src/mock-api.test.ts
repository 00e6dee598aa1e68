/**
 * Example: testing frontend code against `@userkit/mock`.
 *
 * The "app code" below is what a frontend would write: a profile form's save function that calls
 * the API through `createUserClient` and turns any failure into what the UI shows with
 * `describeError` — inline messages for the form's fields, or a modal (never `alert()`). The tests
 * run it against the mock API: msw intercepts the client's requests and answers them with the
 * real core (same validation, role policy, errors and ETags as the server), in memory.
 */
import { apiBaseUrlFromOrigin, createUserClient, describeError, type User, type UserClient } from '@userkit/client';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockApi } from './index';

// ---------------------------------------------------------------------------------------------
// App code
// ---------------------------------------------------------------------------------------------

/** The form's inputs, as typed (an empty input clears the field). */
interface ProfileFormValues {
  name: string;
  phone: string;
  business_site: string;
}

/** What the form shows after "Save". */
type ProfileFormResult =
  | { status: 'saved'; user: User }
  | { status: 'invalid'; fieldErrors: Record<string, string[]> }
  | { status: 'failed'; modal: { title: string; message: string } };

/**
 * Saves the profile form of `loaded` (the user as the form loaded it). Sends `If-Match`, so a
 * change made by someone else in the meantime is not overwritten.
 */
async function saveProfileForm(client: UserClient, loaded: User, values: ProfileFormValues): Promise<ProfileFormResult> {
  const orNull = (text: string) => text.trim() || null;
  try {
    const user = await client.updateUser({
      id: loaded.id,
      ifMatch: loaded,
      body: { name: orNull(values.name), phone: orNull(values.phone), business_site: orNull(values.business_site) },
    });
    return { status: 'saved', user };
  } catch (error) {
    const { title, message, fields } = describeError(error);
    if (Object.keys(fields).length > 0) return { status: 'invalid', fieldErrors: fields };
    return { status: 'failed', modal: { title, message } };
  }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

// The app in development: served from http://localhost:5173, its API at http://localhost:5173/api.
const baseUrl = apiBaseUrlFromOrigin('http://localhost:5173');
const api = createMockApi({ baseUrl });
const server = setupServer(...api.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A signed-in customer: their client and the user as the form loads it. */
async function signedInCustomer() {
  const seeded = await api.seedUser({ name: 'Ada', phone: '+44 20 7946 0000' });
  const client = createUserClient({ baseUrl, token: seeded.token });
  return { client, user: await client.me() };
}

describe('the profile form, against the mock API', () => {
  it('saves the profile', async () => {
    const { client, user } = await signedInCustomer();

    const result = await saveProfileForm(client, user, { name: 'Ada Lovelace', phone: '', business_site: 'https://engines.example.com' });

    expect(result).toMatchObject({ status: 'saved', user: { name: 'Ada Lovelace', phone: null, business_site: 'https://engines.example.com' } });
    // The mock keeps state like a server would: a fresh read sees the change.
    expect(await client.getUser({ id: user.id })).toMatchObject({ name: 'Ada Lovelace', phone: null });
  });

  it('shows the validation messages next to their fields, and saves nothing', async () => {
    const { client, user } = await signedInCustomer();

    const result = await saveProfileForm(client, user, { name: 'Ada', phone: 'call me maybe', business_site: 'engines.example.com' });

    expect(result).toEqual({
      status: 'invalid',
      fieldErrors: {
        phone: ['Phone may use digits, spaces, dashes, dots, parentheses and a leading +'],
        business_site: ['Business site must be an http(s) URL'],
      },
    });
    expect(await client.me()).toMatchObject({ phone: '+44 20 7946 0000', version: user.version });
  });

  it("shows a modal when the user may not edit this profile (someone else's)", async () => {
    const { client } = await signedInCustomer();
    const someoneElse = (await api.seedUser({ name: 'Grace' })).user;

    const result = await saveProfileForm(client, someoneElse, { name: 'Not Grace', phone: '', business_site: '' });

    expect(result).toEqual({ status: 'failed', modal: { title: 'Not allowed', message: 'You do not have permission to do this.' } });
  });

  it('shows a modal when someone else changed the profile since the form loaded it', async () => {
    const { client, user } = await signedInCustomer();
    await client.updateUser({ id: user.id, body: { city: 'London' } }); // e.g. in another tab

    const result = await saveProfileForm(client, user, { name: 'Ada', phone: '', business_site: '' });

    expect(result).toEqual({ status: 'failed', modal: { title: 'Changed by someone else', message: 'This user was changed since you opened it. Reload and try again.' } });
  });
});

describe('the mock at the root of an api. host (SPEC 8)', () => {
  it('answers https://api.example.test/users/me like https://example.test/api/users/me', async () => {
    const hostApi = createMockApi({ baseUrl: 'https://api.example.test' });
    // Whatever the mock leaves unanswered is caught here rather than sent to the network.
    const unanswered: string[] = [];
    server.use(
      ...hostApi.handlers,
      http.all('*', ({ request }) => {
        unanswered.push(`${request.method} ${request.url}`);
        return HttpResponse.error();
      }),
    );
    const seeded = await hostApi.seedUser({ name: 'Host' });

    const me = await createUserClient({ baseUrl: 'https://api.example.test', token: seeded.token, retries: 0 })
      .me()
      .catch((error: unknown) => error);

    expect(unanswered, 'requests the mock did not answer').toEqual([]);
    expect(me).toMatchObject({ id: seeded.user.id, name: 'Host' });
  });
});
