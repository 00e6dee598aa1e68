/** `userkit migrate`: applies pending migrations, creating the PGlite database when missing. */
import { isUserkitError } from '@userkit/core';
import { mapDatabaseError } from '@userkit/kysely';
import { CliExit, exitCodes } from '../cli-exit';
import type { Session } from '../session';
import { describeDriverError } from '../target';

export async function migrateCommand(session: Session): Promise<number> {
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
