/** The help texts: the main usage and each command's. */
import { version } from '../package.json';
import { commands } from './commands';

const databaseHelp = `Database (every command):
  --database-url URL   PostgreSQL to use (default: $DATABASE_URL)
  --data-dir DIR       otherwise embedded PGlite in DIR/pglite
                       (default: $USERKIT_DATA_DIR, else ./.data: where \`npm start\` keeps it)`;

const exitHelp = `Exit codes: 0 ok, 1 refused (validation, conflict, weak password, ...),
            2 usage error, 3 database unreachable or not migrated.`;

/** `userkit --help`: the commands and the global flags. */
export function mainUsage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length)) + 2;
  const list = Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`)
    .join('\n');
  return `userkit ${version}: manage the users of a userkit database

Usage: userkit <command> [options]

Commands:
${list}

${databaseHelp}

  -h, --help           help (userkit <command> --help for a command's options)
  -v, --version        print the version

${exitHelp}
`;
}

/** `userkit <name> --help`; the main usage for an unknown name. */
export function commandUsage(name: string): string {
  const command = commands[name];
  if (!command) return mainUsage();
  return `Usage: ${command.usage}\n\n${databaseHelp}\n\n${exitHelp}\n`;
}
