/** How a failed command is told: one or a few lines on stderr, and the exit code. */
import { isUserkitError, type UserkitError } from '@userkit/core';
import { mapDatabaseError } from '@userkit/kysely';
import { CliExit, exitCodes } from './cli-exit';
import type { CliIo } from './cli-io';
import { commands } from './commands';
import { maxImportErrors } from './commands/import-command';
import type { Target } from './target';
import { commandUsage } from './usage';

/** Field errors printed (an import may list up to {@link maxImportErrors}). */
const shownErrors = 50;

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
export function report(error: unknown, io: CliIo, command: string, target: Target | undefined): number {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  if (error instanceof CliExit) {
    err(`userkit: ${error.message}`);
    if (error.usageOf !== undefined) err(`\n${commandUsage(error.usageOf)}`);
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
