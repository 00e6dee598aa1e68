/**
 * Database set-up and tear-down for the bench, run by run.mjs with fork():
 *
 *   create-pg <base url>          a new database userkit_bench_<random> on that server
 *   seed --url <url> | --data-dir <dir> [--users N]
 *                                 migrate, then N generated users (default 100 000), an admin, the
 *                                 customer of GET /users/me and the login users
 *   drop-pg <base url> <name>     drops the database again
 *
 * The N users come from the benchmarks' one data generator (bench/shared/data.ts, the same as
 * bench:admin's): one `INSERT … SELECT generate_series` with the secondary indexes dropped and
 * built again after, so 100 000 rows take seconds. Every user shares one bcrypt hash computed up
 * front (cost 12, the service's default), so logins verify a real cost-12 hash.
 */
import { randomBytes } from 'node:crypto';
import { type NewUserRecord } from '@userkit/core';
import { BcryptPasswordHasher } from '@userkit/core/server';
import { createDatabase, type Database } from '@userkit/kysely';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { qCommon, qRare, seedUsersSql } from '../shared/data';
import { parseArgs } from './control';
import { adminEmail, benchPassword, defaultSeededUsers, loginEmail, loginUsers, meEmail } from './shared';

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

/** Runs `load` with the secondary indexes of users dropped, then builds them again as they were. */
async function withIndexesRebuilt(db: Kysely<Database>, load: () => Promise<void>): Promise<void> {
  const { rows: indexes } = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes
    where schemaname = current_schema() and tablename = 'users' and indexname <> 'users_pkey'
      and indexdef not like 'CREATE UNIQUE%'`.execute(db);
  for (const index of indexes) await sql.raw(`drop index ${index.indexname}`).execute(db);
  await load();
  for (const index of indexes) await sql.raw(index.indexdef).execute(db);
}

async function seed(args: Record<string, string | undefined>): Promise<Record<string, unknown>> {
  const started = Date.now();
  const generated = Number(args['users'] ?? defaultSeededUsers);
  if (!Number.isSafeInteger(generated) || generated < 1000) throw new Error(`--users must be an integer of at least 1000 (got ${args['users']})`);
  const database = await createDatabase(args['url'] ? { url: args['url'] } : { pglite: { dataDir: args['data-dir'] ?? '' } });
  try {
    const { db } = database;
    // --describe: the database was seeded before (PROFILE_SEEDED_URL); answer what the seed answered.
    if (args['describe'] === 'true') return { ...(await describe(db)), seconds: (Date.now() - started) / 1000 };
    await database.migrate();
    const passwordHash = await new BcryptPasswordHasher({ cost: 12 }).hash(benchPassword);
    // Unique indexes stay: the generator's emails and usernames carry the row number, so they never collide.
    await withIndexesRebuilt(db, async () => {
      await sql.raw(seedUsersSql(1, generated, passwordHash, new Date())).execute(db);
    });
    const named: NewUserRecord[] = [
      { email: adminEmail, password_hash: passwordHash, user_type: 'admin', status: 'active', is_super_admin: true, email_verified: true, name: 'Bench Admin' },
      { email: meEmail, password_hash: passwordHash, user_type: 'customer', status: 'active', email_verified: true, name: 'Bench Me' },
    ];
    for (let i = 0; i < loginUsers; i++) {
      named.push({ email: loginEmail(i), password_hash: passwordHash, user_type: 'customer', status: 'active', email_verified: true, name: `Login ${i}` });
    }
    await database.repository.insertMany(named);
    // Settle the table as a long-running app's would be (statistics current, visibility map set),
    // so autovacuum does not start on it in the middle of a measured window.
    await sql`vacuum analyze users`.execute(db);
    return { ...(await describe(db)), seconds: (Date.now() - started) / 1000 };
  } finally {
    await database.close();
  }
}

/** What a seeded database holds: the named users, the read and write targets, the search terms' matches. */
async function describe(db: Kysely<Database>): Promise<Record<string, unknown>> {
  const { rows: named } = await sql<{ id: number; email: string }>`select id, email from users where email in (${adminEmail}, ${meEmail})`.execute(db);
  const idOf = (email: string) => named.find((row) => row.email === email)?.id;
  // The reads and writes go to generated customers (admins among the generated rows are left out,
  // so the role policy never decides a write).
  const { rows: ids } = await sql<{ id: number }>`select id from users where user_type = 'customer' and email not like 'bench-%' order by id`.execute(db);
  const like = (q: string) => `%${q}%`;
  const { rows: counts } = await sql<{ users: string | number; rare: string | number; common: string | number }>`
    select count(*) as users,
      count(*) filter (where search_text like ${like(qRare)}) as rare,
      count(*) filter (where search_text like ${like(qCommon)}) as common
    from users where deleted_at is null`.execute(db);
  const users = Number(counts[0]?.users);
  return {
    ok: true,
    admin: { email: adminEmail, id: idOf(adminEmail) },
    customer: { email: meEmail, id: idOf(meEmail) },
    loginEmails: Array.from({ length: loginUsers }, (_, i) => loginEmail(i)),
    password: benchPassword,
    customerIds: ids.map((r) => Number(r.id)),
    users,
    search: {
      rare: { q: qRare, matches: Number(counts[0]?.rare) },
      common: { q: qCommon, matches: Number(counts[0]?.common) },
    },
  };
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
