/**
 * Example: testing frontend code against `@userkit/mock`.
 *
 * The "app code" below is what a frontend would write: a profile form's save function that calls
 * the API through `createUserClient` and turns any failure into what the UI shows with
 * `describeError` — inline messages for the form's fields, or a modal (never a browser alert box). The tests
 * run it against the mock API: msw intercepts the client's requests and answers them with the
 * real core (same validation, role policy, errors and ETags as the server), in memory.
 */
import { apiBaseUrlFromOrigin, createUserClient, describeError, type User, type UserClient } from '@userkit/client';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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
// A second API, with a seed and a recorder of unexpected errors, for reset() and error reporting.
const seededBaseUrl = 'https://seeded.example.test/api';
const reported: unknown[] = [];
const seededApi = createMockApi({
  baseUrl: seededBaseUrl,
  handler: { rateLimits: { login: { perAccount: { max: 2, windowMs: 60_000 }, perAddress: { max: 50, windowMs: 60_000 } } } },
  seed: async (mock) => {
    await mock.seedUser({ email: 'admin@seeded.example.test', password: 'the admin passphrase', user_type: 'admin', is_super_admin: true });
  },
  onUnhandledError: (error) => reported.push(error),
});
const server = setupServer(...api.handlers, ...seededApi.handlers);

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

describe('the mock at the root of an api. host (docs/api.md#base-path-and-the-api-host)', () => {
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

describe('reset()', () => {
  const client = (token?: string) => createUserClient({ baseUrl: seededBaseUrl, token, retries: 0 });
  const login = (password = 'the admin passphrase') => client().login({ body: { email: 'admin@seeded.example.test', password } });
  afterEach(() => seededApi.reset());

  it('empties the store and runs the seed again', async () => {
    const { access_token } = await login();
    await seededApi.seedUser({ email: 'extra@seeded.example.test' });
    expect((await client(access_token).listUsers({})).items.map((u) => u.email).sort()).toEqual(['admin@seeded.example.test', 'extra@seeded.example.test']);

    await seededApi.reset();

    const fresh = await login();
    expect((await client(fresh.access_token).listUsers({})).items.map((u) => u.email)).toEqual(['admin@seeded.example.test']);
    expect(seededApi.repository).toBe(seededApi.service.repository);
  });

  it('forgets issued tokens and sent mail', async () => {
    const { access_token } = await login();
    await client().register({ body: { email: 'new@seeded.example.test', password: 'a long passphrase' } });
    expect(seededApi.mailer.lastCodeFor('new@seeded.example.test')).toMatch(/^\d+$/);

    await seededApi.reset();

    expect(seededApi.mailer.messages).toEqual([]);
    await expect(client(access_token).me()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('clears the rate limits', async () => {
    for (let i = 0; i < 2; i++) await expect(login('wrong')).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(login()).rejects.toMatchObject({ code: 'RATE_LIMITED' });

    await seededApi.reset();

    await expect(login()).resolves.toMatchObject({ token_type: 'Bearer' });
  });
});

describe('unexpected errors', () => {
  afterEach(() => {
    reported.length = 0;
    vi.restoreAllMocks();
  });

  it('are answered 500 INTERNAL_ERROR and reported to onUnhandledError with their cause', async () => {
    const { token } = await seededApi.seedUser();
    const bug = new Error('the store broke', { cause: new RangeError('disk full') });
    vi.spyOn(seededApi.repository, 'findById').mockRejectedValue(bug);
    vi.spyOn(seededApi.repository, 'findByIds').mockRejectedValue(bug);

    const error = await createUserClient({ baseUrl: seededBaseUrl, token, retries: 0 })
      .me()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(reported).toContain(bug);
  });

  it('go to console.error by default, the error itself (with its stack and cause)', async () => {
    const quiet = createMockApi({ baseUrl: 'https://quiet.example.test/api' });
    server.use(...quiet.handlers);
    const { token } = await quiet.seedUser();
    const bug = new Error('the store broke', { cause: new RangeError('disk full') });
    vi.spyOn(quiet.repository, 'findById').mockRejectedValue(bug);
    vi.spyOn(quiet.repository, 'findByIds').mockRejectedValue(bug);
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});

    await createUserClient({ baseUrl: 'https://quiet.example.test/api', token, retries: 0 })
      .me()
      .catch(() => undefined);

    expect(consoleError).toHaveBeenCalledWith(expect.stringContaining('@userkit/mock'), bug);
  });

  it('in the seed are reported and reject reset()', async () => {
    const boom = new Error('bad seed');
    const broken = createMockApi({ baseUrl: 'https://broken.example.test/api', seed: () => Promise.reject(boom), onUnhandledError: (e) => reported.push(e) });
    await expect(broken.ready()).rejects.toBe(boom);
    await expect(broken.reset()).rejects.toBe(boom);
    expect(reported).toEqual([boom, boom]);
  });
});

describe('live statistics against the mock API', () => {
  it('streams the statistics, then the change and fresh statistics, to client.subscribeStats', async () => {
    const admin = await api.seedUser({ email: 'live-admin@example.test', user_type: 'admin', is_super_admin: true });
    const client = createUserClient({ baseUrl, token: admin.token, retries: 0 });
    const stop = new AbortController();
    const totals: number[] = [];
    const activity: { event: string; user_id: number | null }[] = [];
    let created: User | undefined;
    await new Promise<void>((resolve, reject) => {
      // Done once the user is created, the statistics counted it and its change arrived, in
      // whichever order they come (a recomputation set off by an earlier test's changes may
      // count the new user before its own change is published).
      const check = () =>
        created && totals.at(-1) === (totals[0] ?? 0) + 1 && activity.some((change) => change.event === 'user.created' && change.user_id === created?.id)
          ? resolve()
          : undefined;
      client.subscribeStats({
        signal: stop.signal,
        onStats: (stats) => {
          totals.push(stats.total);
          if (totals.length === 1) void client.createUser({ body: { email: 'live-new@example.test', password: 'a long passphrase' } }).then((user) => void ((created = user), check()), reject);
          else check();
        },
        onActivity: (change) => void (activity.push(change), check()),
        onError: (error, retryInMs) => (retryInMs === undefined ? reject(error) : undefined),
      });
    });
    stop.abort();
    expect(activity).toContainEqual(expect.objectContaining({ event: 'user.created', user_id: created?.id }));
  });
});
