/**
 * `npm run sessions -w @userkit-examples/client-node` (with `npm start` running): the account
 * lifecycle through the typed client — register, verify, sign in, refresh, sign out, see the old
 * refresh token refused, forget the password, reset it, and see every earlier session refused
 * (docs/sessions.md). Exits non-zero when a step does not go as it should.
 *
 * Environment: USERKIT_API_URL (default http://localhost:3000/api); USERKIT_MAIL_OUTBOX, the
 * server's outbox file, where the codes are read from (default `.data/outbox.jsonl` of the
 * server, i.e. examples/server/.data/outbox.jsonl); USERKIT_EMAIL_API_URL, the https production
 * URL of the email routes.
 *
 * Email routes (register, verify, forgot and reset password) go to an https URL, or to plain http
 * only on a loopback host (`localhost`, `127.0.0.1`, `[::1]`), which is what lets this script run
 * against `npm start`; a real app points `emailBaseUrl` at its https API.
 */
import { readFile } from 'node:fs/promises';
import { createUserClient, describeError, isApiError, type ClientSession } from '@userkit/client';

const baseUrl = process.env['USERKIT_API_URL'] ?? 'http://localhost:3000/api';
const outbox = process.env['USERKIT_MAIL_OUTBOX'] ?? new URL('../../server/.data/outbox.jsonl', import.meta.url).pathname;
const emailBaseUrl = process.env['USERKIT_EMAIL_API_URL'];

const say = (line: string) => process.stdout.write(`${line}\n`);
const sessions: (ClientSession | null)[] = [];
const client = createUserClient({
  baseUrl,
  ...(emailBaseUrl ? { emailBaseUrl } : {}),
  retries: 0,
  session: { mode: 'bearer', onSessionChange: (session) => sessions.push(session) },
});

/** The latest code mailed to `to` (the server appends every message to its outbox). */
async function codeFor(to: string, subject: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const lines = (await readFile(outbox, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean);
    const match = lines
      .map((line) => JSON.parse(line) as { to: string; subject: string; code: string | null })
      .reverse()
      .find((m) => m.to === to && subject.test(m.subject) && m.code);
    if (match?.code) return match.code;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no code for ${to} in ${outbox}`);
}

/** Asserts that `attempt` fails with UNAUTHENTICATED. */
async function refused(label: string, attempt: () => Promise<unknown>): Promise<void> {
  try {
    await attempt();
  } catch (error) {
    if (isApiError(error, 'UNAUTHENTICATED')) {
      say(`  ✓ ${label}: refused (${error.detail})`);
      return;
    }
    throw error;
  }
  throw new Error(`${label} was accepted`);
}

try {
  const email = `lifecycle-${Date.now()}@example.com`;
  const password = 'a sturdy passphrase';
  await client.register({ body: { email, password, name: 'Lifecycle' } });
  say(`registered ${email}`);
  await client.verifyEmail({ body: { email, code: await codeFor(email, /verification/i) } });
  say('verified the email with the mailed code');

  const first = await client.login({ body: { email, password } });
  const firstRefresh = first.refresh_token!;
  say(`signed in: access token for ${first.expires_in}s, refresh token ${firstRefresh.slice(0, 6)}…`);
  const other = await createUserClient({ baseUrl, retries: 0 }).login({ body: { email, password } });
  say('signed in a second time (another device)');

  const renewed = await client.refresh({ body: { refresh_token: firstRefresh } });
  say(`refreshed: new refresh token ${renewed.refresh_token!.slice(0, 6)}… (the old one is spent)`);
  const me = await client.me();
  say(`GET /users/me as ${me.email}`);
  const list = await client.listMySessions();
  say(`sessions: ${list.items.length} (current: ${list.items.find((s) => s.current)?.id})`);

  await client.logout();
  say(`signed out (the client reported the session ${sessions.at(-1) === null ? 'ended' : 'still open'})`);
  await refused('the first refresh token after logout', () => client.refresh({ body: { refresh_token: firstRefresh } }));
  await refused('the refreshed token after logout', () => client.refresh({ body: { refresh_token: renewed.refresh_token! } }));

  await client.forgotPassword({ body: { email } });
  const resetCode = await codeFor(email, /reset/i);
  await client.resetPassword({ body: { email, code: resetCode, new_password: 'a brand new passphrase' } });
  say('reset the password with the mailed reset code');
  const anonymous = createUserClient({ baseUrl, retries: 0, token: other.access_token });
  await refused("the other device's access token", () => anonymous.me());
  await refused("the other device's refresh token", () => client.refresh({ body: { refresh_token: other.refresh_token! } }));
  try {
    await client.login({ body: { email, password } });
    throw new Error('the old password was accepted');
  } catch (error) {
    if (!isApiError(error, 'INVALID_CREDENTIALS')) throw error;
    say('  ✓ the old password: refused');
  }
  const back = await client.login({ body: { email, password: 'a brand new passphrase' } });
  say(`signed in with the new password (${back.user.email}); every earlier session is gone`);
} catch (error) {
  const modal = describeError(error);
  process.stderr.write(`${modal.title}: ${modal.message}\n`);
  process.exitCode = 1;
}
