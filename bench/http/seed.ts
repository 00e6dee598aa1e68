/**
 * Database set-up and tear-down for the bench, run by run.mjs with fork():
 *
 *   create-pg <base url>          a new database userkit_bench_<random> on that server
 *   seed --url <url> | --data-dir <dir>   migrate, then ~10k customers, an admin and the login users
 *   drop-pg <base url> <name>     drops the database again
 *
 * Seeding goes through the repository's insertMany with one bcrypt hash computed up front (cost
 * 12, the service's default), so it takes seconds and logins verify a real cost-12 hash.
 */
import { randomBytes } from 'node:crypto';
import { BcryptPasswordHasher, type NewUserRecord } from '@userkit/core';
import { createDatabase } from '@userkit/kysely';
import { sql } from 'kysely';
import pg from 'pg';
import { parseArgs } from './control';
import { adminEmail, benchPassword, customerEmail, loginEmail, loginUsers, seededCustomers } from './shared';

/** Sends the result to the parent (or prints it) and resolves once it is on its way. */
function reply(message: Record<string, unknown>): Promise<void> {
  if (!process.send) {
    console.log(JSON.stringify(message));
    return Promise.resolve();
  }
  return new Promise((resolve) => process.send?.(message, undefined, undefined, () => resolve()));
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createPg(baseUrl: string): Promise<Record<string, unknown>> {
  try {
    return await withClient(baseUrl, async (client) => {
      const name = `userkit_bench_${randomBytes(4).toString('hex')}`;
      const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
      await client.query(`create database ${name}`);
      const url = new URL(baseUrl);
      url.pathname = `/${name}`;
      return { ok: true, name, url: url.toString(), version };
    });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message || error.name : String(error) };
  }
}

async function dropPg(baseUrl: string, name: string): Promise<Record<string, unknown>> {
  if (!/^userkit_bench_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await withClient(baseUrl, (client) => client.query(`drop database if exists ${name} with (force)`));
  return { ok: true };
}

async function seed(args: Record<string, string | undefined>): Promise<Record<string, unknown>> {
  const started = Date.now();
  const database = await createDatabase(args['url'] ? { url: args['url'] } : { pglite: { dataDir: args['data-dir'] ?? '' } });
  try {
    await database.migrate();
    const passwordHash = await new BcryptPasswordHasher({ cost: 12 }).hash(benchPassword);
    const base = Date.UTC(2025, 0, 1);
    const users: NewUserRecord[] = [
      { email: adminEmail, password_hash: passwordHash, user_type: 'admin', status: 'active', is_super_admin: true, email_verified: true, name: 'Bench Admin' },
    ];
    for (let i = 0; i < loginUsers; i++) {
      users.push({ email: loginEmail(i), password_hash: passwordHash, user_type: 'customer', status: 'active', email_verified: true, name: `Login ${i}` });
    }
    const leads = ['lead', 'qualified', 'customer', 'closed'] as const;
    for (let i = 0; i < seededCustomers; i++) {
      users.push({
        email: customerEmail(i),
        password_hash: passwordHash,
        user_type: 'customer',
        status: 'active',
        email_verified: true,
        name: `Bench User ${i}`,
        username: `bench_user_${i}`,
        phone: `+1555${String(i).padStart(7, '0')}`,
        city: ['Lisbon', 'Oslo', 'Austin', 'Nairobi', 'Osaka'][i % 5] ?? null,
        country: ['PT', 'NO', 'US', 'KE', 'JP'][i % 5] ?? null,
        business_site: `https://shop-${i}.example.com`,
        lead_status: leads[i % leads.length] ?? null,
        created_at: new Date(base + i * 60_000),
        updated_at: new Date(base + i * 60_000),
      });
    }
    const inserted = await database.repository.insertMany(users);
    // Settle the table as a long-running app's would be (statistics current, visibility map set),
    // so autovacuum does not start on it in the middle of a measured window.
    await sql`vacuum analyze users`.execute(database.db);
    const customers = inserted.filter((u) => u.email.startsWith('bench-user-'));
    return {
      ok: true,
      admin: { email: adminEmail, id: inserted[0]?.id },
      customer: { email: customerEmail(0), id: customers[0]?.id },
      loginEmails: Array.from({ length: loginUsers }, (_, i) => loginEmail(i)),
      password: benchPassword,
      customerIds: customers.map((u) => u.id),
      users: inserted.length,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  let result: Record<string, unknown>;
  if (mode === 'create-pg') result = await createPg(rest[0] ?? '');
  else if (mode === 'drop-pg') result = await dropPg(rest[0] ?? '', rest[1] ?? '');
  else if (mode === 'seed') result = await seed(parseArgs(rest));
  else throw new Error(`unknown mode ${mode}`);
  await reply({ type: 'result', ...result });
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    await reply({ type: 'result', ok: false, reason: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
