import { timestampColumns, userColumnNames } from '@userkit/core';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, migrations, pendingMigrations } from '../src/index';
import { databaseTargets } from '@userkit/kysely/testing';

/** The `users` table as the old (SQLAlchemy) app made it: serial id, client-side defaults, no userkit columns. */
const oldUsersTable = `
  CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    password_hash varchar(255) NOT NULL,
    user_type varchar(20) NOT NULL,
    status varchar(20) NOT NULL,
    name varchar(255), username varchar(100), phone varchar(40), address varchar(255), city varchar(100),
    state varchar(100), zip_code varchar(20), country varchar(100), business_site varchar(255),
    additional_websites text[], business_type varchar(100), lead_status varchar(20), notes text,
    is_super_admin boolean, is_authenticated boolean, email_verified boolean,
    verification_code varchar(255), verification_expires timestamptz,
    credits integer, created_at timestamptz DEFAULT now(), updated_at timestamptz, last_login timestamptz
  )`;

const oldRow = `
  INSERT INTO users (email, password_hash, user_type, status, name, lead_status, is_authenticated, credits, created_at, updated_at)
  VALUES (' Old.Customer@Example.COM', '$2b$12$oldhasholdhasholdhasholdhasholdhasholdhasholdhasholdh', 'customer', 'active',
          'Old Customer', 'qualified', true, 12, '2024-05-06T07:08:09.123Z', '2024-05-06T07:08:09.123Z')`;

for (const target of databaseTargets()) {
  describe(`migrations: ${target.name}`, () => {
    it('migrates a database created by the old app in place and reads its rows through the repository', async () => {
      const { db, repository } = await target.openEmpty();
      await sql.raw(oldUsersTable).execute(db);
      await sql.raw(oldRow).execute(db);

      expect(await migrateToLatest(db)).toEqual(['0001_seed_users', '0002_userkit', '0003_list_indexes', '0004_sessions', '0005_storage_settings']);

      const old = await repository.findByEmail('old.customer@example.com');
      expect(old).toMatchObject({
        id: 1,
        email: 'old.customer@example.com',
        user_type: 'customer',
        name: 'Old Customer',
        lead_status: 'qualified',
        additional_websites: [],
        is_super_admin: false,
        is_authenticated: true,
        email_verified: false,
        credits: 12,
        version: 1,
        token_version: 0,
        verification_attempts: 0,
        deleted_at: null,
      });
      expect(old?.created_at.toISOString()).toBe('2024-05-06T07:08:09.123Z');

      // New rows continue the old id sequence; both unique indexes (old and new) map to EMAIL_TAKEN.
      const added = await repository.insert({ email: 'new@example.com', password_hash: 'x', user_type: 'admin', status: 'active' });
      expect(added.id).toBe(2);
      await expect(repository.insert({ email: 'OLD.customer@example.com', password_hash: 'x', user_type: 'customer', status: 'active' })).rejects.toMatchObject({
        code: 'EMAIL_TAKEN',
      });
      expect((await repository.list({ sort: 'email', limit: 10 })).items.map((u) => u.email)).toEqual(['new@example.com', 'old.customer@example.com']);
    });

    it('is idempotent: a second run applies nothing, and every statement can run again', async () => {
      const { db, repository } = await target.openEmpty();
      await migrateToLatest(db);
      expect(await migrateToLatest(db)).toEqual([]);
      for (const migration of Object.values(migrations)) await migration.up(db);
      await expect(repository.ping()).resolves.toBeUndefined();
      const indexes = await sql<{ indexname: string }>`SELECT indexname FROM pg_indexes WHERE tablename = 'users'`.execute(db);
      expect(indexes.rows.map((i) => i.indexname)).toEqual(
        expect.arrayContaining(['users_email_lower_key', 'users_username_lower_key', 'users_created_at_id_idx', 'users_search_text_trgm_idx', 'users_name_sort_idx', 'users_email_sort_idx']),
      );
    });

    it('leaves room on every page of users for updates in place', async () => {
      const { db } = await target.openEmpty();
      await migrateToLatest(db);
      const options = await sql<{ reloptions: string[] | null }>`SELECT reloptions FROM pg_class WHERE relname = 'users'`.execute(db);
      expect(options.rows).toEqual([{ reloptions: ['fillfactor=90'] }]);
    });

    it('the migrated users table has exactly the columns of the core column table (plus the generated search_text)', async () => {
      const { db } = await target.openEmpty();
      await migrateToLatest(db);
      const columns = await sql<{ column_name: string; data_type: string }>`
        SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'users' AND table_schema = current_schema() ORDER BY ordinal_position`.execute(db);
      // A column added by a migration but missing from the table (or the reverse) fails here.
      expect(columns.rows.map((c) => c.column_name).sort()).toEqual([...userColumnNames, 'search_text'].sort());
      // The hot reads hand rows over as JSON and turn exactly these back into Date (hot-queries.ts).
      const timestamps = columns.rows.filter((c) => c.data_type.startsWith('timestamp')).map((c) => c.column_name);
      expect(timestamps.sort()).toEqual([...timestampColumns].sort());
    });

    it('reports pending migrations until applied', async () => {
      const database = await target.openEmpty();
      expect(await pendingMigrations(database.db)).toEqual(['0001_seed_users', '0002_userkit', '0003_list_indexes', '0004_sessions', '0005_storage_settings']);
      await expect(database.checkMigrations()).rejects.toThrow('0001_seed_users, 0002_userkit, 0003_list_indexes, 0004_sessions, 0005_storage_settings');
      await database.migrate();
      await expect(database.checkMigrations()).resolves.toBeUndefined();
    });

    it('changes nothing when old data breaks a new rule', async () => {
      const { db } = await target.openEmpty();
      await sql.raw(oldUsersTable.replace('NOT NULL UNIQUE', 'NOT NULL')).execute(db);
      await sql.raw(oldRow).execute(db);
      await sql.raw(oldRow.replace('Old.Customer', 'old.customer')).execute(db);

      await expect(migrateToLatest(db)).rejects.toThrow('userkit migration 0002_userkit failed');
      const columns = await sql<{ column_name: string }>`SELECT column_name FROM information_schema.columns WHERE table_name = 'users'`.execute(db);
      expect(columns.rows.map((c) => c.column_name)).not.toContain('version');
      expect(await pendingMigrations(db)).toEqual(['0001_seed_users', '0002_userkit', '0003_list_indexes', '0004_sessions', '0005_storage_settings']);
    });
  });
}
