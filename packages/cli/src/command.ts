/** The shape of a CLI command and of parsed flags. */
import type { ParseArgsConfig } from 'node:util';
import type { Session } from './session';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One `userkit <command>`: its help, its flags and what it does. */
export interface Command {
  summary: string;
  usage: string;
  options: Options;
  /** Names of the required positional arguments. */
  positionals: string[];
  run(session: Session): Promise<number>;
}

/** Flags every command takes. */
export const globalOptions = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies Options;

/** A string flag's value, if given. */
export function stringValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
