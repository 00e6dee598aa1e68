/**
 * The `userkit` command line: migrate, create-admin, import, export and stats, against
 * `DATABASE_URL` or the PGlite data directory of the example server
 * (`<USERKIT_DATA_DIR or ./.data>/pglite`, so `npx userkit stats` reads what `npm start` made).
 *
 * {@link run} is the whole program and never exits the process: it resolves to the exit code, so
 * tests call it directly; `bin.ts` calls it with the real process streams.
 *
 * Exit codes: 0 ok; 1 refused (validation, conflict, weak password, …); 2 usage error;
 * 3 database unreachable, missing or not migrated; 130 interrupted.
 */
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserService, WorkerPasswordHasher, isUserkitError, type Actor, type Mailer, type PasswordHasher, type UserRepository, type UserkitError } from '@userkit/core';
import { version } from '../../package.json';
import { createDatabase, type CreateDatabaseOptions, type UserkitDatabase } from '../create-database';
import { mapDatabaseError } from '../map-database-error';
import { pendingMigrations } from '../migrator';
import { Progress, RowCounter, formatBytes, formatCount, formatDuration, type ProgressStream } from './progress';

/** What the CLI reads and writes; every field defaults to the process's own. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & ProgressStream;
  /** Read by `userkit import -`. */
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** When aborted (Ctrl-C), the database is closed and {@link run} resolves to 130. */
  signal?: AbortSignal | undefined;
}

export const exitCodes = { ok: 0, refused: 1, usage: 2, database: 3, interrupted: 130 } as const;

/** Rows an import lists errors for (the import is refused either way); the CLI prints the first 50. */
const maxImportErrors = 1000;
const shownErrors = 50;

/** A planned exit: the message is for people, the code for scripts. */
class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /** Usage text printed after the message (usage errors). */
    readonly usage?: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Command {
  summary: string;
  usage: string;
  options: Options;
  /** Names of the required positional arguments. */
  positionals: string[];
  run(session: Session): Promise<number>;
}

const globalOptions = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies Options;

const databaseHelp = `Database (every command):
  --database-url URL   PostgreSQL to use (default: $DATABASE_URL)
  --data-dir DIR       otherwise embedded PGlite in DIR/pglite
                       (default: $USERKIT_DATA_DIR, else ./.data: where \`npm start\` keeps it)`;

const exitHelp = `Exit codes: 0 ok, 1 refused (validation, conflict, weak password, ...),
            2 usage error, 3 database unreachable or not migrated.`;

const commands: Record<string, Command> = {
  migrate: {
    summary: 'apply pending migrations (creates the PGlite database when missing)',
    usage: 'userkit migrate',
    options: {},
    positionals: [],
    run: migrateCommand,
  },
  'create-admin': {
    summary: 'create an admin (the first one is always a super admin)',
    usage: `userkit create-admin --email EMAIL [--password PASSWORD] [--name NAME] [--super]

  --email EMAIL        the admin's email (required)
  --password PASSWORD  checked against the password policy; when left out, a strong password
                       is generated and printed once (better: no password in shell history)
  --name NAME          display name
  --super              make a super admin (automatic when there is no active super admin yet)`,
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, super: { type: 'boolean' } },
    positionals: [],
    run: createAdminCommand,
  },
  import: {
    summary: 'import users from a CSV or NDJSON file (all or nothing)',
    usage: `userkit import FILE [--format csv|ndjson] [--dry-run] [--on-conflict error|skip|update] [--as EMAIL]

  FILE                 the file to import, or - for stdin (then --format is required)
  --format FORMAT      csv or ndjson (default: from the file extension: .csv, .ndjson, .jsonl)
  --dry-run            check every row and report the counts, change nothing
  --on-conflict MODE   existing emails: error (default), skip, or update them
  --as EMAIL           act as this admin (default: the first active super admin)

Rows carry password (checked and hashed with bcrypt) or an existing bcrypt password_hash.
Any bad row rejects the whole import: each row's errors are listed and nothing changes.`,
    options: { format: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'on-conflict': { type: 'string' }, as: { type: 'string' } },
    positionals: ['FILE'],
    run: importCommand,
  },
  export: {
    summary: 'export users as CSV or NDJSON (streamed)',
    usage: `userkit export [--format csv|ndjson] [--out FILE] [filters]

  --format FORMAT      csv (default) or ndjson (default for --out *.ndjson / *.jsonl)
  -o, --out FILE       write to FILE (created with mode 600) instead of stdout
  --q TEXT             search email, name, username, phone, business site
  --user-type TYPE     admin or customer
  --status STATUS      active, inactive, pending or suspended
  --lead-status LEAD   lead, qualified, customer or closed
  --email-verified B   true or false
  --created-after T    ISO-8601 date or date-time
  --created-before T   ISO-8601 date or date-time
  --sort KEY           created_at, updated_at, last_login, name, email, credits;
                       descending with a - prefix, written --sort=-created_at (default)
  --as EMAIL           act as this admin (default: the first active super admin)`,
    options: {
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      q: { type: 'string' },
      'user-type': { type: 'string' },
      status: { type: 'string' },
      'lead-status': { type: 'string' },
      'email-verified': { type: 'string' },
      'created-after': { type: 'string' },
      'created-before': { type: 'string' },
      sort: { type: 'string' },
      as: { type: 'string' },
    },
    positionals: [],
    run: exportCommand,
  },
  stats: {
    summary: 'print user statistics as JSON',
    usage: `userkit stats [--as EMAIL]`,
    options: { as: { type: 'string' } },
    positionals: [],
    run: statsCommand,
  },
};

const allOptions: Options = Object.assign({}, globalOptions, ...Object.values(commands).map((c) => c.options));

function mainUsage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length)) + 2;
  const list = Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`)
    .join('\n');
  return `userkit ${version}: manage the users of a userkit database

Usage: userkit <command> [options]

Commands:
${list}

${databaseHelp}

  -h, --help           help (userkit <command> --help for a command's options)
  -v, --version        print the version

${exitHelp}
`;
}

function commandUsage(name: string): string {
  const command = commands[name];
  if (!command) return mainUsage();
  return `Usage: ${command.usage}\n\n${databaseHelp}\n\n${exitHelp}\n`;
}

const str = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/** Where the data lives, from the flags and the environment (the same rules as the example server). */
interface Target {
  options: CreateDatabaseOptions;
  /** For messages; never holds credentials. */
  label: string;
  dataDir?: string;
  pgliteDir?: string;
}

function resolveTarget(values: Values, io: CliIo): Target {
  const flagUrl = str(values, 'database-url');
  const url = flagUrl ?? (io.env.DATABASE_URL || undefined);
  const source = flagUrl === undefined ? 'DATABASE_URL' : '--database-url';
  if (url !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')) {
      throw new CliExit(exitCodes.usage, `${source} must be a PostgreSQL URL: postgres://user:password@host:5432/database`);
    }
    return { options: { url, pool: { max: 4 } }, label: `PostgreSQL at ${parsed.host}${parsed.pathname}` };
  }
  // Like the example server: relative to where `npm`/`npx` was typed (INIT_CWD), else the cwd.
  const base = io.env.INIT_CWD || io.cwd;
  const dataDir = resolve(base, str(values, 'data-dir') ?? (io.env.USERKIT_DATA_DIR || '.data'));
  const pgliteDir = join(dataDir, 'pglite');
  return { options: { pglite: { dataDir: pgliteDir } }, label: `PGlite in ${pgliteDir}`, dataDir, pgliteDir };
}

/** A driver error as one line: its message, or the codes of an AggregateError (pg tries IPv4 and IPv6). */
function describeDriverError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeDriverError))].join('; ');
  }
  const code = (error as { code?: unknown }).code;
  if (error.message) return error.message;
  return typeof code === 'string' ? code : error.name;
}

/** Writes nothing: no CLI command sends mail (admins are created with a verified email). */
const silentMailer: Mailer = { send: async () => {} };

/**
 * A bcrypt hash (cost 12) of a random password nobody knows, made once for this file. The
 * service's constructor hashes a dummy password so that logins with an unknown email cost as much
 * as real ones; the CLI never logs anyone in, so it gets this hash instead of ~0.7 s of CPU on
 * every command. (It would still serve: verifying against it costs the same as a real hash.)
 */
const dummyHash = '$2b$12$YGlb4aD2xaHWP6oypH8GeORik5.8OJCWd3nFAhtddjEFrAC3.aORS';

/**
 * bcrypt cost 12 in worker threads (one per core: the CLI has the machine to itself), counting the hashes it makes for the
 * import's progress. Until `counting` is turned on (right after the service is constructed), the
 * only call is the constructor's dummy hash, answered with {@link dummyHash}.
 */
class CountingHasher implements PasswordHasher {
  readonly #inner: PasswordHasher = new WorkerPasswordHasher({ poolSize: availableParallelism() });
  counting = false;
  hashed = 0;
  onHash: (() => void) | undefined;

  async hash(password: string): Promise<string> {
    if (!this.counting) return dummyHash;
    const hash = await this.#inner.hash(password);
    this.hashed++;
    this.onHash?.();
    return hash;
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.#inner.verify(password, hash);
  }

  needsRehash(hash: string): boolean {
    return this.#inner.needsRehash(hash);
  }
}

/** Reads only: stats and export work on a database without any admin yet. Never written anywhere. */
const systemActor: Actor = { id: 0, user_type: 'admin', is_super_admin: true };

/** One command's run: its flags, the database it opened (closed at the end in every case). */
class Session {
  database: UserkitDatabase | undefined;
  progress: Progress | undefined;
  readonly hasher = new CountingHasher();
  /** Run by close(), also on Ctrl-C (e.g. removing a half-written export). */
  readonly cleanups: (() => Promise<void>)[] = [];
  #opening: Promise<UserkitDatabase> | undefined;
  #service: UserService | undefined;
  #closing: Promise<void> | undefined;

  constructor(
    readonly io: CliIo,
    readonly values: Values,
    readonly positionals: string[],
    readonly target: Target,
  ) {}

  out(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  str(name: string): string | undefined {
    return str(this.values, name);
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** Relative paths given on the command line, resolved like the data directory. */
  path(file: string): string {
    return resolve(this.io.env.INIT_CWD || this.io.cwd, file);
  }

  /** Opens the database; `create` (migrate only) makes a missing PGlite database. */
  async open(create = false): Promise<UserkitDatabase> {
    const { pgliteDir, dataDir } = this.target;
    if (pgliteDir && dataDir) {
      const initialised = existsSync(join(pgliteDir, 'PG_VERSION'));
      if (!initialised && !create) {
        throw new CliExit(exitCodes.database, `There is no userkit database in ${pgliteDir}.\nRun \`userkit migrate\` to create it (\`npm start\` does too), or pass --data-dir or --database-url.`);
      }
      // PGlite removes its postmaster.pid on close: one present means another process has the
      // database open (two processes on one data directory corrupt it) or one was killed.
      const pid = join(pgliteDir, 'postmaster.pid');
      if (existsSync(pid)) {
        throw new CliExit(
          exitCodes.database,
          `The PGlite database in ${pgliteDir} is open in another process (is the server running?).\nPGlite allows one process at a time: stop it and try again. If no process uses it (one was killed), delete ${pid}.`,
        );
      }
      if (!initialised) {
        await mkdir(dataDir, { recursive: true, mode: 0o700 });
        this.err(`Creating a PGlite database in ${pgliteDir} (the first time takes a few seconds)...`);
      }
    }
    try {
      this.#opening = createDatabase(this.target.options);
      this.database = await this.#opening;
    } catch (error) {
      throw new CliExit(exitCodes.database, `Cannot open ${this.target.label}: ${describeDriverError(error)}`);
    }
    return this.database;
  }

  /** Opens the database and checks that it answers and is migrated (else exit 3). */
  async openMigrated(): Promise<UserkitDatabase> {
    const database = await this.open();
    let pending: string[];
    try {
      pending = await pendingMigrations(database.db);
    } catch (error) {
      throw new CliExit(exitCodes.database, `Cannot reach the database (${this.target.label}): ${describeDriverError(error)}`);
    }
    if (pending.length > 0) {
      throw new CliExit(exitCodes.database, `The database (${this.target.label}) is not migrated: ${pending.join(', ')} pending.\nRun \`userkit migrate\` first.`);
    }
    return database;
  }

  /** The service over the open database, with the default bcrypt hasher. */
  service(): UserService {
    if (!this.database) throw new Error('userkit: the database is not open');
    if (!this.#service) {
      this.#service = new UserService({ repository: this.database.repository, mailer: silentMailer, hasher: this.hasher });
      this.hasher.counting = true;
    }
    return this.#service;
  }

  /**
   * Whom the command acts as (recorded in the activity log): `--as`, else the first active super
   * admin; reads may run as the system when the database has no admin yet.
   */
  async actor(options: { system: boolean }): Promise<Actor> {
    const repository: UserRepository = (this.database ?? (await this.openMigrated())).repository;
    const as = this.str('as');
    if (as !== undefined) {
      const user = await repository.findByEmail(as);
      if (!user || user.user_type !== 'admin' || user.status !== 'active') throw new CliExit(exitCodes.refused, `--as ${as}: there is no active admin with this email.`);
      return { id: user.id, user_type: user.user_type, is_super_admin: user.is_super_admin };
    }
    const [id] = await repository.activeSuperAdminIds();
    const user = id === undefined ? undefined : await repository.findById(id);
    if (user) return { id: user.id, user_type: user.user_type, is_super_admin: user.is_super_admin };
    if (options.system) return systemActor;
    throw new CliExit(exitCodes.refused, 'There is no active super admin to act as.\nCreate one with `userkit create-admin --email EMAIL`, or pass --as ADMIN_EMAIL.');
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const cleanup of this.cleanups) await cleanup().catch(() => {});
      // Also a database still opening (Ctrl-C during PGlite's start): wait for it, then close it.
      const database = await this.#opening?.catch(() => undefined);
      if (database) await database.close().catch(() => {});
    })();
    return this.#closing;
  }
}

async function migrateCommand(session: Session): Promise<number> {
  const database = await session.open(true);
  let applied: string[];
  try {
    applied = await database.migrate();
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (isUserkitError(mapDatabaseError(cause ?? error), 'SERVICE_UNAVAILABLE')) {
      throw new CliExit(exitCodes.database, `Cannot reach the database (${session.target.label}): ${describeDriverError(cause ?? error)}`);
    }
    const reason = cause === undefined ? '' : `: ${describeDriverError(cause)}`;
    throw new CliExit(exitCodes.refused, `${error instanceof Error ? error.message : String(error)}${reason}\nNo migration was applied.`);
  }
  if (applied.length === 0) {
    session.out(`The database (${session.target.label}) is up to date: no pending migrations.`);
  } else {
    session.out(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${session.target.label}:`);
    for (const name of applied) session.out(`  ${name}`);
  }
  return exitCodes.ok;
}

/** A password that passes the policy: 18 random bytes, base64url (24 characters). */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

async function createAdminCommand(session: Session): Promise<number> {
  const email = session.str('email');
  if (email === undefined) throw new CliExit(exitCodes.usage, 'create-admin needs --email EMAIL', commandUsage('create-admin'));
  const given = session.str('password');
  const password = given ?? generatePassword();
  const name = session.str('name');
  const wantSuper = session.flag('super');
  const database = await session.openMigrated();
  const service = session.service();

  let created: { id: number; email: string; is_super_admin: boolean } | undefined;
  let firstSuper = false;
  if ((await database.repository.activeSuperAdminIds()).length === 0) {
    const result = await service.ensureSuperAdmin({ email, password, ...(name === undefined ? {} : { name }) });
    if (result.created && result.user) {
      created = result.user;
      firstSuper = !wantSuper;
    }
    // Not created: another process made a super admin meanwhile; act as that one below.
  }
  if (!created) {
    const actor = await session.actor({ system: false });
    created = await service.create(actor, {
      email,
      password,
      user_type: 'admin',
      is_super_admin: wantSuper,
      status: 'active',
      email_verified: true,
      ...(name === undefined ? {} : { name }),
    });
  }
  session.out(`Created ${created.is_super_admin ? 'super admin' : 'admin'} ${created.email} (id ${created.id}).`);
  if (firstSuper) session.out('  It is a super admin because the database had no active super admin.');
  if (given === undefined) session.out(`Password: ${password}\n  (generated: shown once, save it now)`);
  return exitCodes.ok;
}

const formats = ['csv', 'ndjson'] as const;
type Format = (typeof formats)[number];

function formatOf(file: string | undefined): Format | undefined {
  const ext = file === undefined ? '' : extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return undefined;
}

function checkFormat(value: string | undefined, command: string): Format | undefined {
  if (value === undefined) return undefined;
  if (!(formats as readonly string[]).includes(value)) throw new CliExit(exitCodes.usage, `--format must be csv or ndjson, not '${value}'`, commandUsage(command));
  return value as Format;
}

async function importCommand(session: Session): Promise<number> {
  const file = session.positionals[0] as string;
  const fromStdin = file === '-';
  const format = checkFormat(session.str('format'), 'import') ?? formatOf(file);
  if (!format) {
    throw new CliExit(exitCodes.usage, `Cannot tell the format of ${fromStdin ? 'stdin' : file} from its name: pass --format csv or --format ndjson`, commandUsage('import'));
  }
  const onConflict = session.str('on-conflict') ?? 'error';
  if (onConflict !== 'error' && onConflict !== 'skip' && onConflict !== 'update') {
    throw new CliExit(exitCodes.usage, `--on-conflict must be error, skip or update, not '${onConflict}'`, commandUsage('import'));
  }
  let size: number | undefined;
  const path = fromStdin ? '-' : session.path(file);
  if (!fromStdin) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new CliExit(exitCodes.refused, `Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    if (!info.isFile()) throw new CliExit(exitCodes.refused, `Cannot read ${file}: not a file`);
    size = info.size;
  }

  await session.openMigrated();
  const service = session.service();
  const actor = await session.actor({ system: false });
  const progress = new Progress(session.io.stderr, `import ${fromStdin ? 'stdin' : basename(file)}`, { unit: 'bytes', total: size });
  session.progress = progress;
  const counter = new RowCounter(format);
  const hasher = session.hasher;
  let bytes = 0;
  const input: AsyncIterable<Uint8Array | string> = fromStdin ? session.io.stdin : createReadStream(path, { highWaterMark: 256 * 1024 });
  async function* source(): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      bytes += data.byteLength;
      counter.feed(data);
      progress.update({ done: bytes, rows: counter.rows });
      yield data;
    }
    progress.update({ done: bytes, rows: counter.rows, note: 'checking' }, true);
  }
  hasher.onHash = () => progress.update({ note: `hashing passwords: ${formatCount(hasher.hashed)}` });

  const result = await service.importUsers(
    actor,
    source(),
    format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    { dry_run: session.flag('dry-run'), on_conflict: onConflict },
    // A local file is not an HTTP body: no byte limit. The row limit (memory) stays.
    { maxBytes: Number.MAX_SAFE_INTEGER, maxErrors: maxImportErrors },
  );
  const hashed = hasher.hashed > 0 ? `, hashed ${formatCount(hasher.hashed)} password${hasher.hashed === 1 ? '' : 's'}` : '';
  progress.finish(`read ${formatBytes(bytes)}, ${formatCount(counter.rows)} row${counter.rows === 1 ? '' : 's'}${hashed} in ${formatDuration(progress.elapsed)}`);
  session.out(`created ${result.created}, updated ${result.updated}, skipped ${result.skipped}${result.dry_run ? ' (dry run: nothing was changed)' : ''}`);
  return exitCodes.ok;
}

/** Export flags and the query parameters they set. */
const exportFilters: Record<string, string> = {
  q: 'q',
  'user-type': 'user_type',
  status: 'status',
  'lead-status': 'lead_status',
  'email-verified': 'email_verified',
  'created-after': 'created_after',
  'created-before': 'created_before',
  sort: 'sort',
};

async function exportCommand(session: Session): Promise<number> {
  const out = session.str('out');
  const format = checkFormat(session.str('format'), 'export') ?? formatOf(out) ?? 'csv';
  const filters: Record<string, string> = {};
  for (const [flag, parameter] of Object.entries(exportFilters)) {
    const value = session.str(flag);
    if (value !== undefined) filters[parameter] = value;
  }

  await session.openMigrated();
  const service = session.service();
  const actor = await session.actor({ system: true });
  // Validates the filters before anything is written.
  const { chunks } = await service.exportUsers(actor, { ...filters, format });
  // The total only feeds the bar: no count query when nobody watches.
  const total = session.io.stderr.isTTY ? (await service.list(actor, { ...filters, limit: 1 })).total : undefined;
  const progress = new Progress(session.io.stderr, 'export', { unit: 'rows', total });
  session.progress = progress;
  const counter = new RowCounter(format);
  let bytes = 0;
  async function* counted(): AsyncGenerator<string> {
    for await (const chunk of chunks) {
      counter.feed(chunk);
      bytes += Buffer.byteLength(chunk);
      progress.update({ done: counter.rows });
      yield chunk;
    }
  }

  const destination = out === undefined ? 'stdout' : out;
  try {
    if (out === undefined) {
      await pipeline(Readable.from(counted()), session.io.stdout, { end: false });
    } else {
      // Written beside the target and renamed when complete: a failed export leaves no half file.
      const path = session.path(out);
      const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
      session.cleanups.push(() => rm(temp, { force: true }));
      try {
        await pipeline(Readable.from(counted()), createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
        await rename(temp, path);
      } finally {
        await rm(temp, { force: true });
      }
    }
  } catch (error) {
    if (out === undefined && (error as NodeJS.ErrnoException).code === 'EPIPE') {
      // The reader stopped early (`userkit export | head`): not a failure of the export.
      progress.clear();
      return exitCodes.ok;
    }
    if (!isUserkitError(error) && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
      throw new CliExit(exitCodes.refused, `Cannot write ${destination}: ${(error as Error).message}`);
    }
    throw error;
  }
  const rows = counter.rows;
  progress.finish(`exported ${formatCount(rows)} user${rows === 1 ? '' : 's'} (${format}, ${formatBytes(bytes)}) to ${destination} in ${formatDuration(progress.elapsed)}`);
  return exitCodes.ok;
}

async function statsCommand(session: Session): Promise<number> {
  await session.openMigrated();
  const stats = await session.service().stats(await session.actor({ system: true }));
  session.out(JSON.stringify(stats, null, 2));
  return exitCodes.ok;
}

/** Flag names for the paths of a command's field errors (`user_type` → `--user-type`). */
function flagFor(command: string, path: string): string {
  const options = commands[command]?.options ?? {};
  const flag = path.replace(/_/g, '-');
  return path !== '' && flag in options ? `--${flag}` : path;
}

/** The lines of a refused operation: the problem's detail, then its field errors (at most 50). */
function problemLines(error: UserkitError, command: string): string[] {
  const lines = [`userkit: ${error.detail}`];
  const errors = error.errors ?? [];
  const single = errors.length === 1 && errors[0]?.row === undefined && errors[0]?.message === error.detail;
  for (const e of errors.slice(0, shownErrors)) {
    const where = e.row === undefined ? flagFor(command, e.path) : e.path;
    const text = `${where ? `${where}: ` : ''}${e.message}`;
    if (e.row !== undefined) lines.push(`  row ${e.row}: ${text}`);
    else if (!single) lines.push(`  ${text}`);
  }
  if (errors.length > shownErrors) {
    const capped = errors.length >= maxImportErrors && errors.some((e) => e.row !== undefined);
    lines.push(`  and ${errors.length - shownErrors} more${capped ? ` (errors are listed up to ${maxImportErrors})` : ''}`);
  }
  if (error.fields?.length) lines.push(`  fields: ${error.fields.map((f) => flagFor(command, f)).join(', ')}`);
  if (error.code === 'INTERNAL_ERROR' && error.cause instanceof Error) lines.push(`  (${error.cause.message})`);
  return lines;
}

/** Writes what went wrong and returns the exit code. Never a stack trace unless USERKIT_DEBUG is set. */
function report(error: unknown, io: CliIo, command: string, target: Target | undefined): number {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  if (error instanceof CliExit) {
    err(`userkit: ${error.message}`);
    if (error.usage) err(`\n${error.usage}`);
    return error.exitCode;
  }
  const mapped = mapDatabaseError(error);
  if (isUserkitError(mapped, 'SERVICE_UNAVAILABLE')) {
    err(`userkit: the database stopped answering${target ? ` (${target.label})` : ''}. Nothing more was changed.`);
    return exitCodes.database;
  }
  if (isUserkitError(mapped)) {
    for (const line of problemLines(mapped, command)) err(line);
    return exitCodes.refused;
  }
  const message = error instanceof Error ? error.message : String(error);
  err(`userkit: unexpected error: ${message}`);
  if (io.env.USERKIT_DEBUG && error instanceof Error && error.stack) err(error.stack);
  else err('(set USERKIT_DEBUG=1 for details)');
  return exitCodes.refused;
}

function withDefaults(io: Partial<CliIo>): CliIo {
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    // A getter: touching process.stdin opens it, which only `import -` should do.
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    signal: io.signal,
  };
}

interface Invocation {
  command: string;
  values: Values;
  positionals: string[];
}

/** Parses argv: help and version answer at once (0), usage errors throw CliExit(2). */
function parseCommandLine(argv: readonly string[], io: CliIo): Invocation | number {
  // First pass, lenient: find the command and --help/--version wherever they are.
  const loose = parseArgs({ args: [...argv], options: allOptions, strict: false, allowPositionals: true });
  const [name, ...rest] = loose.positionals;
  if (loose.values.version === true) {
    io.stdout.write(`userkit ${version} (@userkit/kysely)\n`);
    return exitCodes.ok;
  }
  if (name === 'help') {
    io.stdout.write(commandUsage(rest[0] ?? ''));
    return exitCodes.ok;
  }
  if (loose.values.help === true) {
    io.stdout.write(name !== undefined && commands[name] ? commandUsage(name) : mainUsage());
    return exitCodes.ok;
  }
  if (name === undefined) throw new CliExit(exitCodes.usage, 'missing command', mainUsage());
  const command = commands[name];
  if (!command) throw new CliExit(exitCodes.usage, `unknown command '${name}'`, mainUsage());

  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...globalOptions, ...command.options }, strict: true, allowPositionals: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument starting with a '-'.*$/, '') : String(error);
    throw new CliExit(exitCodes.usage, message, commandUsage(name));
  }
  const positionals = parsed.positionals.slice(1);
  if (positionals.length < command.positionals.length) {
    throw new CliExit(exitCodes.usage, `${name} needs ${command.positionals.slice(positionals.length).join(' ')}`, commandUsage(name));
  }
  if (positionals.length > command.positionals.length) {
    throw new CliExit(exitCodes.usage, `unexpected argument '${positionals[command.positionals.length]}'`, commandUsage(name));
  }
  return { command: name, values: parsed.values, positionals };
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code. Output
 * goes to `io` (default: the process's streams); the database is closed before it resolves.
 *
 * @example
 * ```ts
 * const code = await run(['stats', '--data-dir', '/tmp/userkit']);
 * ```
 */
export async function run(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const cli = withDefaults(io);
  let command = '';
  let session: Session | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const invocation = parseCommandLine(argv, cli);
    if (typeof invocation === 'number') return invocation;
    command = invocation.command;
    session = new Session(cli, invocation.values, invocation.positionals, resolveTarget(invocation.values, cli));
    const work = (commands[command] as Command).run(session);
    if (!cli.signal) return await work;
    const current = session;
    const interrupted = new Promise<number>((resolveInterrupt) => {
      onAbort = () => {
        current.progress?.clear();
        cli.stderr.write('userkit: interrupted; closing the database\n');
        void current.close().then(() => resolveInterrupt(exitCodes.interrupted));
      };
      if (cli.signal?.aborted) onAbort();
      else cli.signal?.addEventListener('abort', onAbort, { once: true });
    });
    work.catch(() => {});
    return await Promise.race([work, interrupted]);
  } catch (error) {
    session?.progress?.clear();
    if (cli.signal?.aborted) return exitCodes.interrupted;
    return report(error, cli, command, session?.target);
  } finally {
    if (onAbort) cli.signal?.removeEventListener('abort', onAbort);
    await session?.close();
  }
}

