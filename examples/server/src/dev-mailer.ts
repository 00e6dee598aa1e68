/**
 * The development mailer (SPEC 9): prints each message and appends it to the outbox file as one
 * JSON line `{ to, subject, text, code }`, so a developer (or curl) can read the code.
 */
import { appendFile } from 'node:fs/promises';
import type { MailMessage, Mailer } from '@userkit/core';

export class DevMailer implements Mailer {
  readonly #outbox: string | undefined;
  readonly #print: (line: string) => void;

  constructor(outbox: string | undefined, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
    this.#outbox = outbox;
    this.#print = print;
  }

  async send(message: MailMessage): Promise<void> {
    this.#print(`[mail] to ${message.to}: ${message.subject}\n       ${message.text}`);
    if (this.#outbox) {
      const line = JSON.stringify({ to: message.to, subject: message.subject, text: message.text, code: message.code ?? null });
      await appendFile(this.#outbox, `${line}\n`, { mode: 0o600 });
    }
  }
}
