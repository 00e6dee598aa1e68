/**
 * `npm run example:client` (with `npm start` running in another terminal): signs in as the super
 * admin, creates a customer, finds it, adjusts its credits, updates it with If-Match, and shows how
 * errors are described for a modal.
 *
 * Environment: USERKIT_API_URL (default http://localhost:3000/api), USERKIT_ADMIN_EMAIL and
 * USERKIT_ADMIN_PASSWORD (the credentials `npm start` printed).
 */
import { createUserClient, describeError, isApiError } from '@userkit/client';

const baseUrl = process.env['USERKIT_API_URL'] ?? 'http://localhost:3000/api';
const email = process.env['USERKIT_ADMIN_EMAIL'] ?? 'admin@example.com';
const password = process.env['USERKIT_ADMIN_PASSWORD'];
if (!password) {
  process.stderr.write('Set USERKIT_ADMIN_PASSWORD to the password `npm start` printed.\n');
  process.exit(2);
}

let token: string | undefined;
const client = createUserClient({ baseUrl, token: () => token });
const say = (line: string) => process.stdout.write(`${line}\n`);

try {
  const session = await client.login({ body: { email, password } });
  token = session.access_token;
  say(`signed in as ${session.user.email} (${session.user.user_type}, super admin: ${session.user.is_super_admin})`);

  const customerEmail = `customer-${Date.now()}@example.com`;
  const created = await client.createUser({ body: { email: customerEmail, password: 'a sturdy passphrase', name: 'Grace', lead_status: 'lead' } });
  say(`created user ${created.id} <${created.email}>`);

  const page = await client.listUsers({ query: { q: 'customer-', user_type: 'customer', sort: '-created_at', limit: 5 } });
  say(`search found ${page.total} customer(s); first page: ${page.items.map((u) => u.email).join(', ')}`);

  const { credits } = await client.adjustCredits({ id: created.id, body: { amount: 25, reason: 'Welcome bonus' } }, { headers: { 'idempotency-key': `welcome-${created.id}` } });
  say(`credits now ${credits}`);

  const fresh = await client.getUser({ id: created.id });
  const updated = await client.updateUser({ id: created.id, body: { city: 'Arlington', lead_status: 'qualified' }, ifMatch: fresh });
  say(`updated: city ${updated.city}, lead status ${updated.lead_status}, version ${updated.version}`);

  try {
    await client.updateUser({ id: created.id, body: { city: 'Stale' }, ifMatch: fresh });
  } catch (error) {
    if (!isApiError(error, 'PRECONDITION_FAILED')) throw error;
    const modal = describeError(error);
    say(`a stale update is refused — the modal would say: "${modal.title}: ${modal.message}"`);
  }

  try {
    await client.register({ body: { email: 'x@example.com', password: 'a sturdy passphrase' } });
  } catch (error) {
    say(`register from a plain-http dev client is refused: ${describeError(error).developerMessage}`);
  }
} catch (error) {
  const modal = describeError(error);
  process.stderr.write(`${modal.title}: ${modal.message}\n`);
  for (const [field, messages] of Object.entries(modal.fields)) process.stderr.write(`  ${field}: ${messages.join('; ')}\n`);
  process.exitCode = 1;
}
