/**
 * Lifecycle events of users (docs/events.md): typed, in-process, and emitted only after the write
 * they describe has committed. A subscriber is a side effect (a welcome mail, a CRM sync, a
 * metric): it never undoes or fails the write. What it throws, or what its promise rejects with,
 * goes to `onEventError`.
 *
 * Payloads carry public data only: the user as the API shows it ({@link User}: no password hash,
 * no verification code, no token version), ids, and changed field names.
 */
import type { User } from './user-schema';

/** Who caused an event: a user id, or null for the system (a backend job, the first-start seed). */
export type EventActorId = number | null;

/** Why a sign-in failed: the same three outcomes the API reports. */
export type SignInFailure = 'invalid_credentials' | 'account_suspended' | 'account_inactive';

/** Every event and its payload. */
export interface UserEventMap {
  /** A user was created: registration (`via: 'register'`), an admin, an import, or the super admin seed. */
  'user.created': { user: User; actorId: EventActorId; via: 'register' | 'admin' | 'import' | 'seed' };
  /** A user's fields changed; `changes` names the changed public fields (values are in `user`). */
  'user.updated': { user: User; actorId: EventActorId; changes: string[]; via: 'admin' | 'self' | 'import' };
  /** A user was (soft) deleted. */
  'user.deleted': { userId: number; actorId: EventActorId };
  /** A user confirmed their email address with a code. */
  'user.email_verified': { user: User };
  /** A password was changed by its owner or set by an admin. The user's tokens are revoked. */
  'user.password_changed': { userId: number; actorId: EventActorId };
  /** A password was reset through the forgotten-password flow. */
  'user.password_reset': { userId: number };
  /** A user signed in with email and password. */
  'user.signed_in': { user: User };
  /**
   * A sign-in with email and password failed. `email` is what was typed, normalised; whether it
   * belongs to a user is deliberately not said (the API does not say it either).
   */
  'user.sign_in_failed': { email: string; reason: SignInFailure };
  /** A session ended (sign-out, refresh-token revocation or expiry). */
  'session.ended': { userId: number; reason: string };
  /** A user's credit balance changed (an admin adjustment, a grant or a spend). */
  'credits.changed': { userId: number; actorId: EventActorId; amount: number; balance: number; reason: string; transactionId: number };
}

/** The name of an event. */
export type UserEventName = keyof UserEventMap;

/** A subscriber of event `K`; it may be async. */
export type UserEventHandler<K extends UserEventName> = (payload: UserEventMap[K], event: K) => void | Promise<void>;

/** Receives what a subscriber threw or rejected with, and the event it was handling. */
export type EventErrorHandler = (error: unknown, event: UserEventName) => void;

/** The default error report: `console.error` with the event name, the error's name and message. */
export const reportEventError: EventErrorHandler = (error, event) => {
  console.error(`userkit: a subscriber of ${event} failed`, error instanceof Error ? `${error.name}: ${error.message}` : typeof error);
};

/**
 * The subscribers of a service's events.
 *
 * @example
 * ```ts
 * const off = service.events.on('user.created', async ({ user }) => {
 *   await mailer.send({ to: user.email, subject: 'Welcome', text: `Hello ${user.name ?? 'there'}` });
 * });
 * off(); // unsubscribes
 * ```
 */
export class UserEvents {
  readonly #handlers = new Map<UserEventName, Set<UserEventHandler<never>>>();
  readonly #onError: EventErrorHandler;

  constructor(onError: EventErrorHandler = reportEventError) {
    this.#onError = onError;
  }

  /** Subscribes to `event`; returns the function that unsubscribes. */
  on<K extends UserEventName>(event: K, handler: UserEventHandler<K>): () => void {
    let set = this.#handlers.get(event);
    if (!set) this.#handlers.set(event, (set = new Set()));
    // Stored as a handler of `never` (the one type every handler's parameter accepts); emit
    // passes each only the payload of its own event.
    const stored = handler as UserEventHandler<never>;
    set.add(stored);
    return () => void set.delete(stored);
  }

  /** Subscribes to one occurrence of `event`. */
  once<K extends UserEventName>(event: K, handler: UserEventHandler<K>): () => void {
    const off = this.on(event, (payload, name) => {
      off();
      return handler(payload, name);
    });
    return off;
  }

  /** Removes a subscriber added with {@link on}. */
  off<K extends UserEventName>(event: K, handler: UserEventHandler<K>): void {
    this.#handlers.get(event)?.delete(handler as UserEventHandler<never>);
  }

  /**
   * Calls every subscriber of `event`. Call it only after the write has committed. It returns at
   * once: subscribers run in order, an async one is not awaited (the caller's response does not
   * wait on a mail server), and what any of them throws or rejects with goes to `onEventError`.
   */
  emit<K extends UserEventName>(event: K, payload: UserEventMap[K]): void {
    const set = this.#handlers.get(event);
    if (!set || set.size === 0) return;
    for (const handler of [...set]) {
      try {
        const result = (handler as UserEventHandler<K>)(payload, event);
        if (result && typeof result.then === 'function') result.then(undefined, (error: unknown) => this.#report(error, event));
      } catch (error) {
        this.#report(error, event);
      }
    }
  }

  #report(error: unknown, event: UserEventName): void {
    try {
      this.#onError(error, event);
    } catch {
      // The error handler itself failed: there is nowhere left to report to, and the write stands.
    }
  }
}
