#!/usr/bin/env node
/**
 * The `userkit` executable: runs the CLI on the process's arguments and streams and sets the exit
 * code. Ctrl-C (or SIGTERM) closes the database first, so PGlite's data directory is left clean;
 * a second Ctrl-C exits at once.
 */
import { run } from './run';

const controller = new AbortController();
const interrupt = () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

run(process.argv.slice(2), { signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    // Interrupted work (e.g. hashing an import's passwords) may still be running: do not wait for it.
    if (controller.signal.aborted) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`userkit: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
