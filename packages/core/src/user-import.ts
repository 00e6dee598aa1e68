/**
 * Import of users from CSV or NDJSON (docs/api.md#admin-collection-routes): parsed as the body streams in, every row checked
 * (schema, policy, password rules, duplicates, existing users) before anything is written, then
 * written in one transaction — a rejected import changes nothing.
 */
import { UserkitError, type FieldError } from './errors';
import { exportOnlyColumns, type ImportContentType, type ImportLimits } from './import-schema';

const booleanColumns = new Set(['is_super_admin', 'email_verified']);

/** A raw row as parsed, with its 1-based row number (data rows; the CSV header is not counted). */
export interface RawRow {
  row: number;
  values: Record<string, unknown>;
}

function tooLarge(detail: string): UserkitError {
  return new UserkitError('PAYLOAD_TOO_LARGE', { detail });
}

/** Counts bytes as they stream and refuses more than `maxBytes`. */
async function* limitBytes(source: AsyncIterable<Uint8Array | string>, maxBytes: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let size = 0;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > maxBytes) throw tooLarge(`The import is larger than ${maxBytes} bytes`);
    yield bytes;
  }
}

/** A CSV cell as a field value: empty → absent, booleans parsed, websites split on whitespace. */
function csvValue(column: string, value: string): unknown {
  if (value === '') return undefined;
  if (booleanColumns.has(column)) return value === 'true' ? true : value === 'false' ? false : value;
  if (column === 'additional_websites') return value.split(/[\s;|]+/).filter(Boolean);
  return value;
}

/** Parses NDJSON rows as they arrive: one JSON object per line, blank lines ignored. */
async function* ndjsonRows(source: AsyncIterable<Uint8Array>): AsyncGenerator<RawRow> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let buffer = '';
  let line = 0;
  const parse = (text: string): RawRow | undefined => {
    line++;
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UserkitError('VALIDATION_ERROR', { detail: `Line ${line} is not valid JSON`, errors: [{ row: line, path: '', message: 'Not valid JSON', code: 'invalid_json' }] });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UserkitError('VALIDATION_ERROR', { detail: `Line ${line} is not a JSON object`, errors: [{ row: line, path: '', message: 'Expected a JSON object', code: 'invalid_type' }] });
    }
    return { row: line, values: value as Record<string, unknown> };
  };
  try {
    for await (const chunk of source) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const row = parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (row) yield row;
        newline = buffer.indexOf('\n');
      }
    }
    buffer += decoder.decode();
  } catch (error) {
    if (error instanceof UserkitError) throw error;
    throw new UserkitError('VALIDATION_ERROR', { detail: 'The import is not valid UTF-8', errors: [{ row: line + 1, path: '', message: 'Not valid UTF-8', code: 'invalid_encoding' }] });
  }
  const last = parse(buffer);
  if (last) yield last;
}

/** The header row: trimmed names, each at most once (a repeated column would silently lose data). */
function csvHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim());
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) {
    throw new UserkitError('VALIDATION_ERROR', {
      detail: 'The CSV header repeats a column',
      errors: [...new Set(repeated)].map((name) => ({ row: 0, path: name, message: 'This column appears more than once in the header', code: 'duplicate_column' })),
    });
  }
  return names;
}

/** Parses CSV rows as they arrive, with the csv-parse library (RFC 4180, quoted fields, CRLF). */
async function* csvRows(source: AsyncIterable<Uint8Array>): AsyncGenerator<RawRow> {
  // Loaded on demand: the parser is only needed by this route (and stays out of browser bundles).
  const { parse } = await import('csv-parse');
  const parser = parse({ bom: true, columns: csvHeader, skip_empty_lines: true, relax_column_count: false });
  const feeding = (async () => {
    try {
      for await (const chunk of source) if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve));
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      row++;
      const values: Record<string, unknown> = {};
      for (const [column, value] of Object.entries(record)) {
        const parsed = csvValue(column, value);
        if (parsed !== undefined) values[column] = parsed;
      }
      yield { row, values };
    }
  } catch (error) {
    if (error instanceof UserkitError) throw error;
    const message = error instanceof Error ? error.message.replace(/^Invalid Record Length: /, '') : 'Malformed CSV';
    // csv-parse counts the data records it finished before the bad one (it may run ahead of us).
    const records = (error as { records?: unknown }).records;
    const bad = typeof records === 'number' ? records + 1 : row + 1;
    throw new UserkitError('VALIDATION_ERROR', { detail: 'The CSV is malformed', errors: [{ row: bad, path: '', message, code: 'invalid_csv' }] });
  } finally {
    await feeding;
  }
}

/** The rows of an import body, streamed, with the byte and row limits applied. */
export async function* parseImport(source: AsyncIterable<Uint8Array | string>, contentType: ImportContentType, limits: ImportLimits): AsyncGenerator<RawRow> {
  const bytes = limitBytes(source, limits.maxBytes);
  const rows = contentType === 'text/csv' ? csvRows(bytes) : ndjsonRows(bytes);
  let count = 0;
  for await (const row of rows) {
    if (++count > limits.maxRows) throw tooLarge(`The import has more than ${limits.maxRows} rows`);
    for (const column of exportOnlyColumns) delete row.values[column];
    yield row;
  }
}

/** The import content type of a Content-Type header, or UNSUPPORTED_MEDIA_TYPE. */
export function importContentType(header: string | undefined): ImportContentType {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (type === 'text/csv' || type === 'application/x-ndjson') return type;
  throw new UserkitError('UNSUPPORTED_MEDIA_TYPE', { detail: 'Send the import as text/csv or application/x-ndjson' });
}

/**
 * Row errors as one VALIDATION_ERROR (the first `maxErrors`). `totals` counts every bad row and
 * error, also those past the list, so the detail tells how many there are in all.
 */
export function importRejected(errors: FieldError[], maxErrors: number, totals?: { rows: number; errors: number }): UserkitError {
  const rows = totals?.rows ?? new Set(errors.map((e) => e.row)).size;
  const count = totals?.errors ?? errors.length;
  const listed = Math.min(errors.length, maxErrors);
  const more = count > listed ? ` ${count} errors in all; the first ${listed} are listed.` : '';
  return new UserkitError('VALIDATION_ERROR', {
    detail: `The import was rejected: ${rows} row${rows === 1 ? '' : 's'} with errors.${more} Nothing was changed.`,
    errors: errors.slice(0, maxErrors),
  });
}
