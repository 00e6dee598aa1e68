/** `userkit export`: streams users as CSV or NDJSON to stdout or a file, never a half file. */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isUserkitError } from '@userkit/core';
import { CliExit, exitCodes } from '../cli-exit';
import { formatBytes, formatCount, formatDuration } from '../format';
import { Progress } from '../progress';
import { RowCounter } from '../row-counter';
import type { Session } from '../session';
import { checkFormat, formatOf } from './file-format';

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

export async function exportCommand(session: Session): Promise<number> {
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
