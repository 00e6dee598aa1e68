/**
 * The development mailer: appends each message to the outbox file as one JSON line
 * `{ to, subject, text, code }`, so a developer (or curl) can read the code. Codes are secrets
 * (whoever reads one can verify the account): the log gets the envelope only, unless
 * USERKIT_DEV_PRINT_CODES asks for the whole message on stdout.
 */
import { appendFile } from 'node:fs/promises';
import type { MailMessage, Mailer } from '@userkit/core/server';

export interface DevMailerOptions {
  /** The outbox file (created with mode 600). */
  outbox: string;
  /** Print the message text, code included, on stdout. Development only. */
  printCodes?: boolean;
  /** Where the envelope line goes. */
  log?: (line: string) => void;
  print?: (line: string) => void;
}

export class DevMailer implements Mailer {
  readonly #options: DevMailerOptions;

  constructor(options: DevMailerOptions) {
    this.#options = options;
  }

  async send(message: MailMessage): Promise<void> {
    const { outbox, printCodes = false, log = () => {}, print = (line: string) => process.stdout.write(`${line}\n`) } = this.#options;
    const line = JSON.stringify({ to: message.to, subject: message.subject, text: message.text, code: message.code ?? null });
    await appendFile(outbox, `${line}\n`, { mode: 0o600 });
    if (printCodes) print(`[mail] to ${message.to}: ${message.subject}\n       ${message.text}`);
    else log(`[mail] to ${message.to}: ${message.subject} (written to the outbox)`);
  }
}
