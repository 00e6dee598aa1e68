/** What the CLI reads and writes, so tests run it in-process with captured streams. */
import type { Writable } from 'node:stream';
import type { ProgressStream } from './progress';

/** What the CLI reads and writes; every field defaults to the process's own. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & ProgressStream;
  /** Read by `userkit import -`. */
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** When aborted (Ctrl-C), the database is closed and `run` resolves to 130. */
  signal?: AbortSignal | undefined;
}

/** `io` with the process's streams, environment and directory for what it leaves out. */
export function withDefaults(io: Partial<CliIo>): CliIo {
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    // A getter: touching process.stdin opens it, which only `import -` should do.
    get stdin() {
      return io.stdin ?? process.stdin;
    },
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    signal: io.signal,
  };
}
