/**
 * What every capability of the user service shares: the ports, the settings, and the two
 * side effects that are not database writes (mailing a code, the dummy hash of unknown logins).
 */
import { BcryptPasswordHasher } from '../bcrypt-password-hasher';
import { systemClock, type Clock } from '../clock';
import { defaultListTotalCap, type ListOptions } from '../list-query-schema';
import type { Mailer } from '../mailer';
import type { PasswordHasher } from '../password-hasher';
import { PasswordPolicy, type PasswordPolicyOptions } from '../password-policy';
import { UserEvents, type EventErrorHandler, type UserEventMap, type UserEventName } from '../user-events';
import { MemorySessionStore } from '../memory-session-store';
import type { SessionStore } from '../session-store';
import type { UserRepository } from '../user-repository';
import { VerificationCodeHasher, generateVerificationCode, randomCodeSecret, type CodeSecret } from '../verification-code';

export interface UserServiceOptions {
  repository: UserRepository;
  mailer: Mailer;
  /**
   * Where sessions live. Default: the repository's own (`repository.sessions`: the kysely and
   * memory repositories have one, in their transactions), else an in-process store.
   */
  sessions?: SessionStore;
  /**
   * Default: bcrypt cost 12 through bcryptjs on the calling thread ({@link BcryptPasswordHasher}),
   * which runs anywhere, browsers included. A Node server passes a `WorkerPasswordHasher` to keep
   * the hashing off its event loop.
   */
  hasher?: PasswordHasher;
  clock?: Clock;
  passwordPolicy?: PasswordPolicy | PasswordPolicyOptions;
  /** Lifetime of a verification code. Default 10 minutes. */
  verificationTtlMs?: number;
  /**
   * Server secret (32+ bytes) keying stored verification codes; the JWT secret will do (a separate
   * key is derived from it). Default: random per process, so codes verify only in the process that sent them.
   */
  codeSecret?: CodeSecret;
  /** Wrong tries after which a code is dead. Default 5. */
  maxVerificationAttempts?: number;
  /**
   * Called when a message could not be sent (the write it belongs to has committed), or when work
   * that runs after its answer failed (a password reset request).
   */
  onMailError?: (error: unknown) => void;
  /**
   * How many matches `list` counts before it reports `total_capped` (default 1000; `Infinity`
   * counts them all, which costs a scan of every match on each page read).
   */
  listTotalCap?: number;
  /**
   * Called when an event subscriber throws or rejects (docs/events.md); the write it follows has
   * committed and stands. Default: `console.error` with the event name.
   */
  onEventError?: EventErrorHandler;
}

/** What a mailed code is for: the subject and wording of the message. */
export type CodePurpose = 'verification' | 'password-reset';

const messages: Record<CodePurpose, { subject: string; text: (code: string, minutes: number) => string }> = {
  verification: {
    subject: 'Your verification code',
    text: (code, minutes) => `Your verification code is ${code}. It expires in ${minutes} minutes. If you did not ask for it, ignore this message.`,
  },
  'password-reset': {
    subject: 'Your password reset code',
    text: (code, minutes) => `Your password reset code is ${code}. It expires in ${minutes} minutes. If you did not ask for it, ignore this message: your password stays as it is.`,
  },
};

/** The shared state of the capability modules; built once per {@link UserService}. */
export class ServiceContext {
  readonly repository: UserRepository;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly passwordPolicy: PasswordPolicy;
  /** Lifetime of a verification code, in milliseconds. */
  readonly verificationTtlMs: number;
  readonly maxVerificationAttempts: number;
  /** Keyed hashing of verification codes as stored. */
  readonly codes: VerificationCodeHasher;
  readonly listOptions: ListOptions;
  /** The lifecycle event subscribers (`service.events`). */
  readonly events: UserEvents;
  /** Sessions outside any transaction (see {@link sessionsIn}). */
  readonly sessions: SessionStore;
  readonly #explicitSessions: SessionStore | undefined;
  readonly #mailer: Mailer;
  readonly #onMailError: (error: unknown) => void;
  #dummyHash: Promise<string> | undefined;

  constructor(options: UserServiceOptions) {
    this.repository = options.repository;
    this.#mailer = options.mailer;
    this.hasher = options.hasher ?? new BcryptPasswordHasher();
    this.clock = options.clock ?? systemClock;
    this.passwordPolicy = options.passwordPolicy instanceof PasswordPolicy ? options.passwordPolicy : new PasswordPolicy(options.passwordPolicy);
    this.verificationTtlMs = options.verificationTtlMs ?? 10 * 60_000;
    this.maxVerificationAttempts = options.maxVerificationAttempts ?? 5;
    this.codes = new VerificationCodeHasher(options.codeSecret ?? randomCodeSecret());
    this.#onMailError = options.onMailError ?? (() => {});
    this.listOptions = { totalCap: options.listTotalCap ?? defaultListTotalCap };
    this.events = new UserEvents(options.onEventError);
    this.#explicitSessions = options.sessions;
    this.sessions = options.sessions ?? options.repository.sessions ?? new MemorySessionStore();
  }

  /**
   * Emits a lifecycle event. Call it only after the transaction of the write has returned (never
   * inside it: a rollback would leave subscribers told of a change that never happened).
   */
  emit<K extends UserEventName>(event: K, payload: UserEventMap[K]): void {
    this.events.emit(event, payload);
  }

  /** The session store to use inside transaction `tx`: the repository's own takes part in it. */
  sessionsIn(tx: UserRepository): SessionStore {
    return this.#explicitSessions ?? tx.sessions ?? this.sessions;
  }

  /** Reports an error of work that runs after its answer (a mailed code). */
  reportBackgroundError(error: unknown): void {
    this.#onMailError(error);
  }

  readonly #background = new Set<Promise<void>>();

  /** Runs `work` after the answer: its failure goes to `onMailError`; {@link settled} waits for it. */
  runInBackground(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.reportBackgroundError(error)).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  /**
   * `work` as a flow's answer: awaited, or with `background` started after the answer instead
   * (see {@link runInBackground}), so the answer's timing tells nothing of what the work found.
   */
  answerThen(work: Promise<void>, background: boolean | undefined): Promise<void> {
    if (!background) return work;
    this.runInBackground(work);
    return Promise.resolve();
  }

  /** Resolves when every piece of work begun by {@link runInBackground} so far has finished. */
  async settled(): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
  }

  /** A hash of a random password, made once: what an unknown email's login is checked against. */
  dummyHash(): Promise<string> {
    this.#dummyHash ??= this.hasher.hash(`userkit-dummy-${generateVerificationCode()}-${generateVerificationCode()}`);
    this.#dummyHash.catch(() => {
      this.#dummyHash = undefined;
    });
    return this.#dummyHash;
  }

  /** Mails a code. A failure goes to `onMailError`: the write it belongs to has committed. */
  async sendCode(to: string, code: string, purpose: CodePurpose = 'verification'): Promise<void> {
    const minutes = Math.round(this.verificationTtlMs / 60_000);
    const message = messages[purpose];
    try {
      await this.#mailer.send({ to, subject: message.subject, text: message.text(code, minutes), code });
    } catch (error) {
      this.#onMailError(error);
    }
  }
}
