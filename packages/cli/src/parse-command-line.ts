/** The command line parsed: help and version answered, usage errors thrown. */
import { parseArgs } from 'node:util';
import { version } from '../package.json';
import { CliExit, exitCodes } from './cli-exit';
import type { CliIo } from './cli-io';
import { globalOptions, type Values } from './command';
import { allOptions, commands } from './commands';
import { commandUsage, mainUsage } from './usage';

/** A command to run, with its flags and positional arguments. */
export interface Invocation {
  command: string;
  values: Values;
  positionals: string[];
}

/** Parses argv: help and version answer at once (0), usage errors throw CliExit(2). */
export function parseCommandLine(argv: readonly string[], io: CliIo): Invocation | number {
  // First pass, lenient: find the command and --help/--version wherever they are.
  const loose = parseArgs({ args: [...argv], options: allOptions, strict: false, allowPositionals: true });
  const [name, ...rest] = loose.positionals;
  if (loose.values.version === true) {
    io.stdout.write(`userkit ${version} (@userkit/cli)\n`);
    return exitCodes.ok;
  }
  if (name === 'help') {
    io.stdout.write(commandUsage(rest[0] ?? ''));
    return exitCodes.ok;
  }
  if (loose.values.help === true) {
    io.stdout.write(name !== undefined && commands[name] ? commandUsage(name) : mainUsage());
    return exitCodes.ok;
  }
  if (name === undefined) throw new CliExit(exitCodes.usage, 'missing command', '');
  const command = commands[name];
  if (!command) throw new CliExit(exitCodes.usage, `unknown command '${name}'`, '');

  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...globalOptions, ...command.options }, strict: true, allowPositionals: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument starting with a '-'.*$/, '') : String(error);
    throw new CliExit(exitCodes.usage, message, name);
  }
  const positionals = parsed.positionals.slice(1);
  if (positionals.length < command.positionals.length) {
    throw new CliExit(exitCodes.usage, `${name} needs ${command.positionals.slice(positionals.length).join(' ')}`, name);
  }
  if (positionals.length > command.positionals.length) {
    throw new CliExit(exitCodes.usage, `unexpected argument '${positionals[command.positionals.length]}'`, name);
  }
  return { command: name, values: parsed.values, positionals };
}

