/**
 * The `userkit` CLI, run in-process through `run(argv, io)` against one PGlite data directory in a
 * temporary folder. Each command opens and closes the database (~1-2 s per PGlite reopen), so the
 * tests run in order and share the directory; usage errors never open it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/run';
import { Progress } from '../src/progress';
import { RowCounter } from '../src/row-counter';
import { pgliteLockFileName } from '@userkit/kysely';

/** PGlite unless `USERKIT_TEST_STORES` (a comma list, as in the kysely tests) leaves it out. */
const pgliteEnabled = !process.env.USERKIT_TEST_STORES || process.env.USERKIT_TEST_STORES.split(',').map((s) => s.trim()).includes('pglite');

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

const root = mkdtempSync(join(tmpdir(), 'userkit-cli-'));
const dataDir = join(root, 'data');
const pgliteDir = join(dataDir, 'pglite');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the CLI with USERKIT_DATA_DIR pointing at the test's data directory. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, { stdout, stderr, env: { USERKIT_DATA_DIR: dataDir }, cwd: root });
  // Expected failures never show a stack trace.
  expect(stderr.text).not.toMatch(/\n\s+at /);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

describe('progress', () => {
  it('redraws at most every 100 ms on a terminal and ends with one summary line', () => {
    let now = 0;
    const written: string[] = [];
    const stream = { isTTY: true, columns: 80, write: (s: string) => written.push(s) };
    const progress = new Progress(stream, 'import users.csv', { unit: 'bytes', total: 2048, now: () => now });
    progress.update({ done: 512, rows: 10 });
    now = 50;
    progress.update({ done: 1024, rows: 20 });
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('import users.csv [');
    expect(written[0]).toContain(' 25%  512 B/2.0 KiB  10 rows');
    now = 150;
    progress.update({ done: 2048, rows: 40 });
    expect(written).toHaveLength(2);
    expect(written[1]).toContain('100%');
    progress.finish('read 2.0 KiB, 40 rows');
    expect(written.slice(2).join('')).toBe('\r\x1b[Kread 2.0 KiB, 40 rows\n');
  });

  it('writes only the summary line when stderr is not a terminal', () => {
    const written: string[] = [];
    const progress = new Progress({ write: (s: string) => written.push(s) }, 'export', { unit: 'rows' });
    for (let i = 0; i < 100; i++) progress.update({ done: i });
    progress.finish('exported 100 users');
    expect(written).toEqual(['exported 100 users\n']);
  });

  it('counts CSV rows outside quoted cells and non-blank NDJSON lines', () => {
    const csv = new RowCounter('csv');
    for (const part of ['email,notes\r\na@x.io,"two\r\nlines, and ""quotes"""\r\n', '\r\nb@x.io,', 'plain']) csv.feed(Buffer.from(part));
    expect(csv.rows).toBe(2);
    const ndjson = new RowCounter('ndjson');
    ndjson.feed('{"email":"a@x.io","notes":"say \\"hi\\"\\n"}\n\n  \n{"email":"b@x.io"}');
    expect(ndjson.rows).toBe(2);
  });
});

describe.skipIf(!pgliteEnabled)('userkit CLI over PGlite', () => {
  it('answers usage errors with exit 2 and help with exit 0, without opening a database', async () => {
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing command');
    expect(none.stderr).toContain('Usage: userkit <command>');

    expect(await cli('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
    expect(await cli('stats', '--bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(await cli('import')).toMatchObject({ code: 2, stderr: expect.stringContaining('import needs FILE') });
    expect(await cli('import', 'a.csv', 'b.csv')).toMatchObject({ code: 2, stderr: expect.stringContaining("unexpected argument 'b.csv'") });
    expect(await cli('import', 'users.txt')).toMatchObject({ code: 2, stderr: expect.stringContaining('pass --format csv') });
    expect(await cli('import', 'users.csv', '--on-conflict', 'merge')).toMatchObject({ code: 2, stderr: expect.stringContaining('--on-conflict must be') });
    expect(await cli('export', '--format', 'xml')).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be csv or ndjson') });
    expect(await cli('create-admin', '--name', 'Nobody')).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --email') });
    expect(await cli('stats', '--database-url', 'not a url')).toMatchObject({ code: 2, stderr: expect.stringContaining('must be a PostgreSQL URL') });

    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/create-admin\s+create an admin/);
    expect((await cli('import', '--help')).stdout).toContain('--on-conflict MODE');
    expect((await cli('--version')).stdout).toMatch(/^userkit \d+\.\d+\.\d+/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses commands on a missing database with exit 3 and points to migrate', async () => {
    const result = await cli('stats');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`There is no userkit database in ${pgliteDir}`);
    expect(result.stderr).toContain('userkit migrate');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('migrates, then says the database is up to date', async () => {
    const first = await cli('migrate');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Applied 5 migrations');
    expect(first.stdout).toMatch(/0001_seed_users\n\s+0002_userkit\n\s+0003_list_indexes\n\s+0004_sessions\n\s+0005_storage_settings/);
    expect(existsSync(join(pgliteDir, 'PG_VERSION'))).toBe(true);

    const second = await cli('migrate', '--data-dir', dataDir);
    expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining('up to date') });
  }, 120_000);

  it('creates the first admin as a super admin with a generated password, once', async () => {
    const result = await cli('create-admin', '--email', 'Root@Example.com');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created super admin root@example.com (id 1).');
    expect(result.stdout).toContain('It is a super admin because the database had no active super admin.');
    expect(result.stdout).toMatch(/^Password: [A-Za-z0-9_-]{24}$/m);
    expect(result.stdout).not.toContain('$2');
  });

  it('refuses a weak password with the policy message (exit 1) and creates plain admins', async () => {
    const weak = await cli('create-admin', '--email', 'weak@example.com', '--password', 'short');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toBe('userkit: Password must be at least 8 characters\n');

    const ops = await cli('create-admin', '--email', 'ops@example.com', '--password', 'a fine long passphrase', '--name', 'Ops');
    expect(ops.code).toBe(0);
    expect(ops.stdout).toBe('Created admin ops@example.com (id 2).\n');
  });

  it('rejects an import with a bad row: row errors, exit 1, nothing imported', async () => {
    const path = file('bad.csv', 'email,name,password\r\nok1@example.com,Ok,plum orchard ladder\r\nnot-an-email,Bad,plum orchard ladder\r\nok2@example.com,Ok,short\r\n');
    const result = await cli('import', path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('userkit: The import was rejected: 2 rows with errors. Nothing was changed.');
    expect(result.stderr).toContain('  row 2: email: Enter a valid email address');
    expect(result.stderr).toContain('  row 3: password: Password must be at least 8 characters');
    expect(result.stdout).toBe('');
  });

  const goodCsv = [
    'email,name,password,business_type,lead_status',
    'ada@example.com,Ada,analytical engine notes,=SUM(A1),qualified',
    'bob@example.com,"Bob, ""the builder""",can we fix it yes,,lead',
    'cy@example.com,Cy,cypress meadow lantern,,',
  ].join('\r\n');

  it('dry-runs an import: counts, nothing changed', async () => {
    const result = await cli('import', file('users.csv', goodCsv), '--dry-run');
    expect(result).toMatchObject({ code: 0, stdout: 'created 3, updated 0, skipped 0 (dry run: nothing was changed)\n' });
  });

  it('imports CSV (hashing password rows) and NDJSON with on-conflict skip', async () => {
    const csv = await cli('import', join(root, 'users.csv'));
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe('created 3, updated 0, skipped 0\n');
    expect(csv.stderr).toMatch(/^read \d+ B, 3 rows, hashed 3 passwords in \d/);

    const ndjson = [
      JSON.stringify({ email: 'ada@example.com', name: 'Ada again' }),
      '',
      JSON.stringify({ email: 'dee@example.com', name: 'Dee', password: 'deep river stones', status: 'pending' }),
      JSON.stringify({ email: 'eve@example.com', name: 'Eve', password: 'evening tide pools', email_verified: true }),
    ].join('\n');
    const result = await cli('import', file('more.ndjson', `${ndjson}\n`), '--on-conflict', 'skip', '--as', 'ops@example.com');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('created 2, updated 0, skipped 1\n');
  });

  it('exports CSV and NDJSON to files without any secret', async () => {
    const csvPath = join(root, 'out', 'users.csv');
    mkdirSync(join(root, 'out'));
    const csv = await cli('export', '--out', csvPath, '--sort=email');
    expect(csv.code).toBe(0);
    expect(csv.stderr).toMatch(/^exported 7 users \(csv, [\d.]+ (B|KiB)\) to .*users\.csv in /);
    const text = readFileSync(csvPath, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,email,user_type,status,name,/);
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['ada@example.com', 'bob@example.com', 'cy@example.com', 'dee@example.com', 'eve@example.com', 'ops@example.com', 'root@example.com']);
    expect(text).toContain(`"Bob, ""the builder"""`);
    expect(text).toContain("'=SUM(A1)");
    expect(text).not.toMatch(/password|\$2[aby]\$|verification_code|token_version/);
    expect(statSync(csvPath).mode & 0o777).toBe(0o600);

    const ndjsonPath = join(root, 'out', 'customers.ndjson');
    const ndjson = await cli('export', '-o', ndjsonPath, '--user-type', 'customer', '--sort=email');
    expect(ndjson.code).toBe(0);
    const rows = readFileSync(ndjsonPath, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((r) => r.email)).toEqual(['ada@example.com', 'bob@example.com', 'cy@example.com', 'dee@example.com', 'eve@example.com']);
    expect(rows[0]).toMatchObject({ user_type: 'customer', lead_status: 'qualified', business_type: '=SUM(A1)' });
    for (const row of rows) expect(Object.keys(row)).not.toEqual(expect.arrayContaining(['password_hash']));
    expect(readFileSync(ndjsonPath, 'utf8')).not.toContain('$2');
  });

  it('refuses invalid export filters with exit 1, naming the flag', async () => {
    const result = await cli('export', '--created-after', 'yesterday');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('userkit: The query has invalid parameters');
    expect(result.stderr).toContain('  --created-after: ');
    expect(result.stdout).toBe('');
  });

  it('prints the stats as JSON', async () => {
    const result = await cli('stats');
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(stats).toMatchObject({
      total: 7,
      by_user_type: { admin: 2, customer: 5 },
      by_status: { active: 6, pending: 1, inactive: 0, suspended: 0 },
      by_lead_status: { qualified: 1, lead: 1, none: 5 },
      credits_in_circulation: 0,
    });
  });

  it('refuses a PGlite directory that another live process has open (exit 3)', async () => {
    // The lock of @userkit/kysely, held by a live process other than this one (the parent).
    const lock = join(pgliteDir, pgliteLockFileName);
    writeFileSync(lock, `${process.ppid}\n`);
    try {
      const result = await cli('stats');
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('one process at a time');
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('answers an unreachable database with exit 3, without printing its password', async () => {
    const result = await cli('stats', '--database-url', 'postgres://user:s3cret@127.0.0.1:1/x');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Cannot reach the database (PostgreSQL at 127.0.0.1:1/x)');
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.stderr).not.toContain('s3cret');
  });
});
