/**
 * Counts the data rows of CSV or NDJSON as bytes stream past, for the progress of an import:
 * non-blank lines (for CSV outside quoted cells, less the header line).
 */
export class RowCounter {
  readonly #csv: boolean;
  #lines = 0;
  #inQuotes = false;
  #content = false;

  constructor(format: 'csv' | 'ndjson') {
    this.#csv = format === 'csv';
  }

  /** Takes bytes as read, or text as written (the bytes that matter are ASCII either way). */
  feed(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string';
    for (let i = 0; i < chunk.length; i++) {
      const byte = text ? chunk.charCodeAt(i) : chunk[i];
      if (this.#csv && byte === 0x22) {
        // `""` inside a quoted cell toggles twice: still inside.
        this.#inQuotes = !this.#inQuotes;
        this.#content = true;
      } else if (byte === 0x0a) {
        if (!this.#inQuotes && this.#content) {
          this.#lines++;
          this.#content = false;
        }
      } else if (byte !== 0x0d && byte !== 0x20 && byte !== 0x09) {
        this.#content = true;
      }
    }
  }

  /** Data rows so far (a last line without a newline counts). */
  get rows(): number {
    const lines = this.#lines + (this.#content ? 1 : 0);
    return this.#csv ? Math.max(0, lines - 1) : lines;
  }
}
