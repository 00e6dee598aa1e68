/** The file formats of import and export, from `--format` or the file's extension. */
import { extname } from 'node:path';
import { CliExit, exitCodes } from '../cli-exit';

const formats = ['csv', 'ndjson'] as const;
export type Format = (typeof formats)[number];

/** The format a file name implies: `.csv`, or `.ndjson` / `.jsonl`. */
export function formatOf(file: string | undefined): Format | undefined {
  const ext = file === undefined ? '' : extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  return undefined;
}

/** `--format` checked (a usage error when it is neither csv nor ndjson). */
export function checkFormat(value: string | undefined, command: string): Format | undefined {
  if (value === undefined) return undefined;
  if (!(formats as readonly string[]).includes(value)) throw new CliExit(exitCodes.usage, `--format must be csv or ndjson, not '${value}'`, command);
  return value as Format;
}
