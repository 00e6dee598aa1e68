/** Where the data lives, from the flags and the environment (the same rules as the example server). */
import { join, resolve } from 'node:path';
import type { CreateDatabaseOptions } from '@userkit/kysely';
import { CliExit, exitCodes } from './cli-exit';
import type { CliIo } from './cli-io';
import { stringValue, type Values } from './command';

/** The database a command opens. */
export interface Target {
  options: CreateDatabaseOptions;
  /** For messages; never holds credentials. */
  label: string;
  dataDir?: string;
  pgliteDir?: string;
}

/**
 * `--database-url`, else `DATABASE_URL`, else PGlite in `<--data-dir, USERKIT_DATA_DIR or
 * ./.data>/pglite`, so `npx userkit stats` reads what `npm start` made.
 */
export function resolveTarget(values: Values, io: CliIo): Target {
  const flagUrl = stringValue(values, 'database-url');
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
  const dataDir = resolve(base, stringValue(values, 'data-dir') ?? (io.env.USERKIT_DATA_DIR || '.data'));
  const pgliteDir = join(dataDir, 'pglite');
  return { options: { pglite: { dataDir: pgliteDir } }, label: `PGlite in ${pgliteDir}`, dataDir, pgliteDir };
}

/** A driver error as one line: its message, or the codes of an AggregateError (pg tries IPv4 and IPv6). */
export function describeDriverError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeDriverError))].join('; ');
  }
  const code = (error as { code?: unknown }).code;
  if (error.message) return error.message;
  return typeof code === 'string' ? code : error.name;
}
