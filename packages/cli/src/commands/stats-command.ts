/** `userkit stats`: the user statistics as JSON. */
import { exitCodes } from '../cli-exit';
import type { Session } from '../session';

export async function statsCommand(session: Session): Promise<number> {
  await session.openMigrated();
  const stats = await session.service().stats(await session.actor({ system: true }));
  session.out(JSON.stringify(stats, null, 2));
  return exitCodes.ok;
}
