/**
 * The `userkit` command line: migrate, create-admin, import, export and stats, against
 * `DATABASE_URL` or the PGlite data directory of the example server
 * (`<USERKIT_DATA_DIR or ./.data>/pglite`, so `npx userkit stats` reads what `npm start` made).
 *
 * {@link run} is the whole program and never exits the process: it resolves to the exit code, so
 * tests call it directly; `bin.ts` calls it with the real process streams.
 */
import { exitCodes } from './cli-exit';
import { withDefaults, type CliIo } from './cli-io';
import type { Command } from './command';
import { commands } from './commands';
import { parseCommandLine } from './parse-command-line';
import { report } from './report';
import { Session } from './session';
import { resolveTarget } from './target';

/**
 * Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code. Output
 * goes to `io` (default: the process's streams); the database is closed before it resolves.
 *
 * @example
 * ```ts
 * const code = await run(['stats', '--data-dir', '/tmp/userkit']);
 * ```
 */
export async function run(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const cli = withDefaults(io);
  let command = '';
  let session: Session | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const invocation = parseCommandLine(argv, cli);
    if (typeof invocation === 'number') return invocation;
    command = invocation.command;
    session = new Session(cli, invocation.values, invocation.positionals, resolveTarget(invocation.values, cli));
    const work = (commands[command] as Command).run(session);
    if (!cli.signal) return await work;
    const current = session;
    const interrupted = new Promise<number>((resolveInterrupt) => {
      onAbort = () => {
        current.progress?.clear();
        cli.stderr.write('userkit: interrupted; closing the database\n');
        void current.close().then(() => resolveInterrupt(exitCodes.interrupted));
      };
      if (cli.signal?.aborted) onAbort();
      else cli.signal?.addEventListener('abort', onAbort, { once: true });
    });
    work.catch(() => {});
    return await Promise.race([work, interrupted]);
  } catch (error) {
    session?.progress?.clear();
    if (cli.signal?.aborted) return exitCodes.interrupted;
    return report(error, cli, command, session?.target);
  } finally {
    if (onAbort) cli.signal?.removeEventListener('abort', onAbort);
    await session?.close();
  }
}

