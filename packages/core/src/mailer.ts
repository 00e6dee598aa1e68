/** The outgoing mail port. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** The one-time code the message carries, for development mailers and tests. */
  code?: string;
}

/**
 * Sends mail. `send` resolves once the message is accepted for delivery; it is called after the
 * write that created the code has committed, so a failure to send never leaves a half-written user.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * A mailer that keeps messages in memory: for tests and the mock API.
 *
 * @example
 * ```ts
 * const mailer = new MemoryMailer();
 * await service.register({ email: 'a@example.com', password: 'long enough pw' });
 * mailer.lastCodeFor('a@example.com'); // '123456'
 * ```
 */
export class MemoryMailer implements Mailer {
  readonly messages: MailMessage[] = [];

  async send(message: MailMessage): Promise<void> {
    this.messages.push(message);
  }

  /** The code of the newest message to `email`, if any. */
  lastCodeFor(email: string): string | undefined {
    const to = email.trim().toLowerCase();
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m && m.to === to && m.code !== undefined) return m.code;
    }
    return undefined;
  }
}
