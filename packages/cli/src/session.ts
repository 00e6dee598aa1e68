/** One command's run: its flags, the database it opened and the service over it. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserService, type Actor, type Mailer, type UserRepository } from '@userkit/core/server';
import { PgliteLockedError, createDatabase, pendingMigrations, type UserkitDatabase } from '@userkit/kysely';
import { CliExit, exitCodes } from './cli-exit';
import type { CliIo } from './cli-io';
import { stringValue, type Values } from './command';
import { CountingHasher } from './counting-hasher';
import type { Progress } from './progress';
import { describeDriverError, type Target } from './target';

/** Writes nothing: no CLI command sends mail (admins are created with a verified email). */
const silentMailer: Mailer = { send: async () => {} };

/** Reads only: stats and export work on a database without any admin yet. Never written anywhere. */
const systemActor: Actor = { id: 0, user_type: 'admin', is_super_admin: true };

/** One command's run: its flags, the database it opened (closed at the end in every case). */
export class Session {
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
    return stringValue(this.values, name);
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
      if (!initialised) {
        await mkdir(dataDir, { recursive: true, mode: 0o700 });
        this.err(`Creating a PGlite database in ${pgliteDir} (the first time takes a few seconds)...`);
      }
    }
    try {
      this.#opening = createDatabase(this.target.options);
      this.database = await this.#opening;
    } catch (error) {
      // One process per PGlite directory (the lock of @userkit/kysely): the server may be running.
      if (error instanceof PgliteLockedError) throw new CliExit(exitCodes.database, `${error.message}\nPGlite allows one process at a time: stop the server and try again.`);
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
