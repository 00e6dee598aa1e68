/** The command table: every `userkit <command>` with its help text, flags and implementation. */
import { globalOptions, type Command, type Options } from './command';
import { createAdminCommand } from './commands/create-admin-command';
import { exportCommand } from './commands/export-command';
import { importCommand } from './commands/import-command';
import { migrateCommand } from './commands/migrate-command';
import { statsCommand } from './commands/stats-command';

/** The commands, in the order the main help lists them. */
export const commands: Record<string, Command> = {
  migrate: {
    summary: 'apply pending migrations (creates the PGlite database when missing)',
    usage: 'userkit migrate',
    options: {},
    positionals: [],
    run: migrateCommand,
  },
  'create-admin': {
    summary: 'create an admin (the first one is always a super admin)',
    usage: `userkit create-admin --email EMAIL [--password PASSWORD] [--name NAME] [--super]

  --email EMAIL        the admin's email (required)
  --password PASSWORD  checked against the password policy; when left out, a strong password
                       is generated and printed once (better: no password in shell history)
  --name NAME          display name
  --super              make a super admin (automatic when there is no active super admin yet)`,
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, super: { type: 'boolean' } },
    positionals: [],
    run: createAdminCommand,
  },
  import: {
    summary: 'import users from a CSV or NDJSON file (all or nothing)',
    usage: `userkit import FILE [--format csv|ndjson] [--dry-run] [--on-conflict error|skip|update] [--as EMAIL]

  FILE                 the file to import, or - for stdin (then --format is required)
  --format FORMAT      csv or ndjson (default: from the file extension: .csv, .ndjson, .jsonl)
  --dry-run            check every row and report the counts, change nothing
  --on-conflict MODE   existing emails: error (default), skip, or update them
  --as EMAIL           act as this admin (default: the first active super admin)

Rows carry password (checked and hashed with bcrypt) or an existing bcrypt password_hash.
Any bad row rejects the whole import: each row's errors are listed and nothing changes.`,
    options: { format: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'on-conflict': { type: 'string' }, as: { type: 'string' } },
    positionals: ['FILE'],
    run: importCommand,
  },
  export: {
    summary: 'export users as CSV or NDJSON (streamed)',
    usage: `userkit export [--format csv|ndjson] [--out FILE] [filters]

  --format FORMAT      csv (default) or ndjson (default for --out *.ndjson / *.jsonl)
  -o, --out FILE       write to FILE (created with mode 600) instead of stdout
  --q TEXT             search email, name, username, phone, business site
  --user-type TYPE     admin or customer
  --status STATUS      active, inactive, pending or suspended
  --lead-status LEAD   lead, qualified, customer or closed
  --email-verified B   true or false
  --created-after T    ISO-8601 date or date-time
  --created-before T   ISO-8601 date or date-time
  --sort KEY           created_at, updated_at, last_login, name, email, credits;
                       descending with a - prefix, written --sort=-created_at (default)
  --as EMAIL           act as this admin (default: the first active super admin)`,
    options: {
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      q: { type: 'string' },
      'user-type': { type: 'string' },
      status: { type: 'string' },
      'lead-status': { type: 'string' },
      'email-verified': { type: 'string' },
      'created-after': { type: 'string' },
      'created-before': { type: 'string' },
      sort: { type: 'string' },
      as: { type: 'string' },
    },
    positionals: [],
    run: exportCommand,
  },
  stats: {
    summary: 'print user statistics as JSON',
    usage: `userkit stats [--as EMAIL]`,
    options: { as: { type: 'string' } },
    positionals: [],
    run: statsCommand,
  },
};

/** Every flag of every command, for the lenient first parse that finds the command. */
export const allOptions: Options = Object.assign({}, globalOptions, ...Object.values(commands).map((c) => c.options));
