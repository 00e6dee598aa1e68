/** `userkit import FILE`: all-or-nothing import of CSV or NDJSON, with progress on stderr. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliExit, exitCodes } from '../cli-exit';
import { formatBytes, formatCount, formatDuration } from '../format';
import { Progress } from '../progress';
import { RowCounter } from '../row-counter';
import type { Session } from '../session';
import { checkFormat, formatOf } from './file-format';

/** Rows an import lists errors for (the import is refused either way); the CLI prints the first 50. */
export const maxImportErrors = 1000;

export async function importCommand(session: Session): Promise<number> {
  const file = session.positionals[0] as string;
  const fromStdin = file === '-';
  const format = checkFormat(session.str('format'), 'import') ?? formatOf(file);
  if (!format) {
    throw new CliExit(exitCodes.usage, `Cannot tell the format of ${fromStdin ? 'stdin' : file} from its name: pass --format csv or --format ndjson`, 'import');
  }
  const onConflict = session.str('on-conflict') ?? 'error';
  if (onConflict !== 'error' && onConflict !== 'skip' && onConflict !== 'update') {
    throw new CliExit(exitCodes.usage, `--on-conflict must be error, skip or update, not '${onConflict}'`, 'import');
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
