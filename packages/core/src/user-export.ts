/**
 * Export of users as CSV or NDJSON (docs/api.md#admin-collection-routes, docs/security.md#csv-injection): the list filters, streamed in keyset batches with
 * constant memory, never a secret, CSV cells neutralised against spreadsheet formula injection.
 */
import * as z from 'zod';
import { listUsersQuerySchema } from './list-query-schema';
import { exportedColumns } from './user-columns';
import { toPublicUser, type UserRecord } from './user-record';
import type { User } from './user-schema';

export const exportFormats = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** The export query: the list filters and sort (no cursor or limit) and the format. */
export const exportQuerySchema = listUsersQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z.enum(exportFormats, { error: 'Format must be csv or ndjson' }).default('csv'),
});
export type ExportQueryInput = z.input<typeof exportQuerySchema>;
export type ExportQuery = z.output<typeof exportQuerySchema>;

export const exportContentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** The CSV columns, in order: the exported columns of the column table. */
export const exportColumns: readonly (keyof User)[] = exportedColumns;

/**
 * One CSV cell (RFC 4180): quoted when needed; text starting with `=`, `+`, `-`, `@`, tab or
 * carriage return is prefixed with `'` so spreadsheets show it as text instead of running it.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(' ') : String(value);
  if (typeof value === 'string' || Array.isArray(value)) {
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  }
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV line of a user (with CRLF, as RFC 4180 writes it). */
export function csvLine(user: User): string {
  return `${exportColumns.map((column) => csvCell(user[column])).join(',')}\r\n`;
}

/** Turns batches of records into the export's text chunks: one chunk per batch. */
export async function* formatExport(batches: AsyncIterable<UserRecord[]>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield `${exportColumns.join(',')}\r\n`;
  for await (const batch of batches) {
    let chunk = '';
    for (const record of batch) {
      const user = toPublicUser(record);
      chunk += format === 'csv' ? csvLine(user) : `${JSON.stringify(user)}\n`;
    }
    if (chunk) yield chunk;
  }
}
