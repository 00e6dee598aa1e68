/**
 * The script of the test page (bundled by esbuild for Chromium): signs in and reads /users/me
 * through the typed client, cross-origin, and reports what happened to the test.
 */
import { createUserClient, describeError } from '@userkit/client';

/** What the page reports back. */
export type PageOutcome =
  | { ok: true; email: string; etag: string | null; requestId: string | null }
  | { ok: false; step: 'login' | 'me'; code: string; message: string };

async function signInAndReadMe(apiUrl: string, email: string, password: string): Promise<PageOutcome> {
  let step: 'login' | 'me' = 'login';
  try {
    const anonymous = createUserClient({ baseUrl: apiUrl, retries: 0 });
    const { access_token } = await anonymous.login({ body: { email, password } });
    step = 'me';
    const client = createUserClient({ baseUrl: apiUrl, token: access_token, retries: 0 });
    const me = await client.me();
    // The exposed headers are readable by the page (the client itself uses ETag for If-Match).
    const raw = await fetch(`${apiUrl}/users/me`, { headers: { authorization: `Bearer ${access_token}`, 'x-request-id': 'browser-test' } });
    return { ok: true, email: me.email, etag: raw.headers.get('etag'), requestId: raw.headers.get('x-request-id') };
  } catch (error) {
    return { ok: false, step, code: describeError(error).code, message: error instanceof Error ? error.message : String(error) };
  }
}

Object.assign(globalThis, { signInAndReadMe });
