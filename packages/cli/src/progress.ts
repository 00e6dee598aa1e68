/**
 * Progress on stderr for the CLI's import and export: a bar redrawn in place (at most ~10 times a
 * second) when stderr is a terminal, otherwise nothing until one final summary line, so logs and
 * CI output stay clean.
 */
import { formatBytes, formatCount } from './format';

/** Where progress goes: stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What the bar shows. `done` and `total` are in the bar's unit (bytes or rows). */
export interface ProgressState {
  done: number;
  /** Rows seen so far, when the unit is bytes and rows are known. */
  rows?: number;
  /** A short note after the numbers, e.g. the current phase. */
  note?: string;
}

export interface ProgressOptions {
  unit: 'bytes' | 'rows';
  /** Known total in `unit` (file size, row count); without it the bar shows counts only. */
  total?: number | undefined;
  /** Milliseconds between redraws. Default 100. */
  interval?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

const erase = '\r\x1b[K';

/**
 * A progress bar on a stream.
 *
 * @example
 * ```ts
 * const progress = new Progress(process.stderr, 'import', { unit: 'bytes', total: size });
 * progress.update({ done: bytesRead, rows });
 * progress.finish(`imported ${rows} rows`);
 * ```
 */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #label: string;
  readonly #options: Required<Omit<ProgressOptions, 'total'>> & { total: number | undefined };
  readonly #started: number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #drawn = false;
  #state: ProgressState = { done: 0 };

  constructor(stream: ProgressStream, label: string, options: ProgressOptions) {
    this.#stream = stream;
    this.#label = label;
    this.#options = { interval: 100, now: () => performance.now(), ...options, total: options.total };
    this.#started = this.#options.now();
  }

  /** True when the bar is drawn (stderr is a terminal). */
  get interactive(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Milliseconds since the start. */
  get elapsed(): number {
    return this.#options.now() - this.#started;
  }

  /** Records the state; redraws when the interval has passed (or `force`). */
  update(state: Partial<ProgressState>, force = false): void {
    this.#state = { ...this.#state, ...state };
    if (!this.interactive) return;
    const now = this.#options.now();
    if (!force && now - this.#lastDraw < this.#options.interval) return;
    this.#lastDraw = now;
    this.#stream.write(`${erase}${this.render()}`);
    this.#drawn = true;
  }

  /** The bar line for the current state, fitted to the terminal width. */
  render(): string {
    const { done, rows, note } = this.#state;
    const { unit, total } = this.#options;
    const amount = (n: number) => (unit === 'bytes' ? formatBytes(n) : formatCount(n));
    const suffix = unit === 'rows' ? ' rows' : '';
    const known = total !== undefined && total > 0;
    const ratio = known ? Math.min(1, done / total) : 0;
    const info: string[] = known ? [`${String(Math.floor(ratio * 100)).padStart(3)}%`, `${amount(done)}/${amount(total)}${suffix}`] : [`${amount(done)}${suffix}`];
    if (rows !== undefined && unit === 'bytes') info.push(`${formatCount(rows)} rows`);
    const width = Math.max(20, (this.#stream.columns || 80) - 1);
    // The bar leaves room for a note when it can, and keeps its width when one comes and goes.
    const room = width - this.#label.length - info.join('  ').length - 5;
    const barWidth = room - 24 >= 10 ? Math.min(30, room - 24) : Math.min(30, room);
    if (note) info.push(note);
    const details = info.join('  ');
    let head = this.#label;
    if (known && barWidth >= 10) {
      const filled = Math.round(ratio * barWidth);
      head += ` [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
    }
    const text = `${head}  ${details}`;
    return text.length > width ? text.slice(0, width) : text;
  }

  /** Removes the bar (before an error message). */
  clear(): void {
    if (this.#drawn) this.#stream.write(erase);
    this.#drawn = false;
  }

  /** Replaces the bar with one summary line (also written when stderr is not a terminal). */
  finish(summary: string): void {
    this.clear();
    this.#stream.write(`${summary}\n`);
  }
}
