/**
 * The user service: every operation on users, with validation, the role policy and the security
 * rules, over the ports. Framework-free; the HTTP handler and backend jobs both call it.
 *
 * A facade: each capability lives in its own module under `service/` (sign-in and verification,
 * user administration, credits, import and export, reports), and every write of a user row goes
 * through the one change path of `service/user-change.ts`.
 */
import type { ImportResult } from './import-schema';
import type { ActivityPage, CreditAdjustmentInput, CreditAdjustmentResult, CreditPage, PageQueryInput, UserStats } from './ledger-schema';
import type { ListUsersQueryInput, UserPage } from './list-query-schema';
import type { PasswordPolicy } from './password-policy';
import { CreditLedger } from './service/credits';
import { ServiceContext, type UserServiceOptions } from './service/service-context';
import { PasswordReset } from './service/password-reset';
import { SessionFlows, type SessionGrant, type SessionMeta } from './service/sessions';
import { SignInFlows, type AuthenticatedUser } from './service/sign-in';
import type { ForgotPasswordInput, ResetPasswordInput, Session } from './session-schema';
import type { Actor } from './service/target-access';
import { UserAdmin, type UpdateRequestOptions } from './service/user-admin';
import { UserReports } from './service/user-reports';
import { UserTransfer } from './service/user-transfer';
import { isUserkitError } from './errors';
import type { ExportFormat, ExportQueryInput } from './user-export';
import type { SignInFailure, UserEventHandler, UserEventName, UserEvents } from './user-events';
import type { UserRecord } from './user-record';
import type { UserRepository } from './user-repository';
import type {
  LoginInput,
  PasswordChangeInput,
  RegisterInput,
  ResendVerificationInput,
  User,
  UserCreateInput,
  UserUpdateInput,
  VerifyEmailInput,
} from './user-schema';

export type { Actor } from './service/target-access';
export type { AuthenticatedUser } from './service/sign-in';
export type { SessionGrant, SessionMeta } from './service/sessions';
export type { UserServiceOptions } from './service/service-context';

/**
 * Reads and changes users on behalf of an actor.
 *
 * @example
 * ```ts
 * const service = new UserService({ repository, mailer });
 * const user = await service.register({ email: 'ada@example.com', password: 'analytical engine' });
 * const updated = await service.update(admin, user.id, { lead_status: 'qualified' });
 * ```
 */
export class UserService {
  readonly repository: UserRepository;
  readonly passwordPolicy: PasswordPolicy;
  /**
   * Lifecycle events, emitted after each write commits (docs/events.md).
   *
   * @example
   * ```ts
   * service.events.on('user.created', ({ user }) => welcomeMail(user.email));
   * ```
   */
  readonly events: UserEvents;
  readonly #signIn: SignInFlows;
  readonly #admin: UserAdmin;
  readonly #credits: CreditLedger;
  readonly #transfer: UserTransfer;
  readonly #reports: UserReports;
  readonly #sessions: SessionFlows;
  readonly #reset: PasswordReset;
  readonly #context: ServiceContext;

  constructor(options: UserServiceOptions) {
    const context = new ServiceContext(options);
    this.#context = context;
    this.repository = context.repository;
    this.passwordPolicy = context.passwordPolicy;
    this.events = context.events;
    this.#signIn = new SignInFlows(context);
    this.#admin = new UserAdmin(context);
    this.#credits = new CreditLedger(context);
    this.#transfer = new UserTransfer(context);
    this.#reports = new UserReports(context);
    this.#sessions = new SessionFlows(context);
    this.#reset = new PasswordReset(context);
    // Made now, so even the first unknown-email login costs the same as a known one.
    context.dummyHash().catch(() => {});
  }

  /** Subscribes to a lifecycle event (`service.events.on`); returns the function that unsubscribes. */
  on<K extends UserEventName>(event: K, handler: UserEventHandler<K>): () => void {
    return this.events.on(event, handler);
  }

  /** Creates a pending customer and sends a verification code. */
  register(input: RegisterInput): Promise<User> {
    return this.#signIn.register(input);
  }

  /**
   * Checks an email and password. Unknown emails cost a dummy hash, so timing does not reveal
   * accounts. Sets `last_login` and re-hashes a hash weaker than configured.
   * Throws INVALID_CREDENTIALS, ACCOUNT_SUSPENDED or ACCOUNT_INACTIVE.
   */
  authenticate(input: LoginInput): Promise<AuthenticatedUser> {
    return this.#signIn.authenticate(input).catch((error: unknown) => {
      const reason = signInFailure(error);
      if (reason) this.events.emit('user.sign_in_failed', { email: emailOf(input), reason });
      throw error;
    });
  }

  /** Confirms an email with its code: sets `email_verified` and turns `pending` into `active`. */
  verifyEmail(input: VerifyEmailInput): Promise<User> {
    return this.#signIn.verifyEmail(input);
  }

  /**
   * Replaces the verification code of an unverified user and sends it. Silent for unknown emails.
   * With `background`, resolves once the input is valid and does the rest after (errors go to
   * `onMailError`; {@link settled} waits for it), so the answer's timing tells nothing.
   */
  resendVerification(input: ResendVerificationInput, options: { background?: boolean } = {}): Promise<void> {
    return this.#signIn.resendVerification(input, options);
  }

  /**
   * The user `id`, if `actor` may read it. Customers get FORBIDDEN for any id but their own.
   * `options.loaded` is the user `id` as this request already loaded it with {@link findActorWith}
   * (`null`: known to be missing), which saves a query; the policy applies all the same.
   *
   * @example
   * ```ts
   * const { actor, other } = await service.findActorWith(claims.userId, 42);
   * const user = await service.get(actor!, 42, { loaded: other });
   * ```
   */
  get(actor: Actor, id: number, options: { loaded?: UserRecord | null | undefined } = {}): Promise<User> {
    return this.#admin.get(actor, id, options);
  }

  /**
   * Loads an actor by id for authentication: undefined when missing or deleted. With `sessionId`
   * (the token's `sid`), checks that session in the same round trip and throws UNAUTHENTICATED
   * when it has ended. Includes secrets: never send it.
   */
  async findActor(id: number, sessionId?: string): Promise<UserRecord | undefined> {
    if (sessionId === undefined) return this.#admin.findActor(id);
    return (await this.#sessions.findActor(id, sessionId)).actor;
  }

  /**
   * {@link findActor} plus another live user (the target of a read) in the same round trip:
   * `other` is null when that user is missing or deleted. Both include secrets: never send them.
   */
  async findActorWith(actorId: number, otherId: number, sessionId?: string): Promise<{ actor: UserRecord | undefined; other: UserRecord | null }> {
    if (sessionId === undefined) return this.#admin.findActorWith(actorId, otherId);
    const { actor, other } = await this.#sessions.findActor(actorId, sessionId, otherId);
    return { actor, other: other ?? null };
  }

  /**
   * Starts a session for a user who just signed in: the refresh token (only ever returned here)
   * and the session id for the access token's `sid` (docs/sessions.md).
   */
  startSession(userId: number, meta: SessionMeta, ttlSeconds: number): Promise<SessionGrant> {
    return this.#sessions.start(userId, meta, ttlSeconds);
  }

  /**
   * Rotates a refresh token: a new one for the same session, the old one dead. Replaying a
   * rotated token ends the whole session. UNAUTHENTICATED for any token that does not work.
   */
  refreshSession(refreshToken: string, meta: SessionMeta, ttlSeconds: number): Promise<{ user: UserRecord; grant: SessionGrant }> {
    return this.#sessions.refresh(refreshToken, meta, ttlSeconds);
  }

  /** Ends one session of a user (logout); resolves with whether it was live. */
  endSession(userId: number, sessionId: string): Promise<boolean> {
    return this.#sessions.end(userId, sessionId);
  }

  /** Ends the session a refresh token belongs to, if any. */
  endSessionByRefreshToken(refreshToken: string): Promise<void> {
    return this.#sessions.endByRefreshToken(refreshToken);
  }

  /** Ends every session of a user (logout everywhere). */
  endAllSessions(userId: number): Promise<void> {
    return this.#sessions.endAll(userId);
  }

  /** The actor's live sessions; `current` marks `currentSessionId`. */
  listOwnSessions(actor: Actor, currentSessionId: string | undefined): Promise<Session[]> {
    return this.#sessions.listOwn(actor, currentSessionId);
  }

  /** Ends one of the actor's own sessions (NOT_FOUND unless it is live and theirs). */
  endOwnSession(actor: Actor, sessionId: string): Promise<void> {
    return this.#sessions.endOwn(actor, sessionId);
  }

  /** A user's live sessions, for admins under the role policy (as for account fields). */
  listUserSessions(actor: Actor, id: number): Promise<Session[]> {
    return this.#sessions.listFor(actor, id);
  }

  /** Ends every session of a user, for admins under the role policy (as for account fields). */
  endUserSessions(actor: Actor, id: number): Promise<void> {
    return this.#sessions.endAllFor(actor, id);
  }

  /**
   * Mails a password reset code when the address has a user who may sign in; silent otherwise.
   * With `background`, resolves once the input is valid and does the rest after.
   */
  requestPasswordReset(input: ForgotPasswordInput, options: { background?: boolean } = {}): Promise<void> {
    return this.#reset.request(input, options);
  }

  /**
   * Resolves once the work begun after earlier answers (a password reset request's lookup and
   * mail) has finished: for tests, and for a graceful shutdown.
   */
  settled(): Promise<void> {
    return this.#context.settled();
  }

  /** Sets a new password with a reset code; ends every session of the user. */
  resetPassword(input: ResetPasswordInput): Promise<void> {
    return this.#reset.reset(input);
  }

  /** One page of users (admins only). */
  list(actor: Actor, query: ListUsersQueryInput): Promise<UserPage<User>> {
    return this.#admin.list(actor, query);
  }

  /**
   * Partial update: fields left out stay as they are. With `expectedVersion` (from `If-Match`),
   * PRECONDITION_FAILED unless the stored version matches. Changing the email resets
   * `email_verified` (unless an admin sets it in the same request) and sends a new code.
   * `options.loaded` is the user `id` as this request already loaded it with {@link findActorWith}:
   * most updates are then one statement (docs/benchmarks.md).
   */
  update(actor: Actor, id: number, input: UserUpdateInput, options: UpdateRequestOptions = {}): Promise<User> {
    return this.#admin.update(actor, id, input, options);
  }

  /** Creates a user (admins create customers; only a super admin creates admins). Active by default. */
  create(actor: Actor, input: UserCreateInput): Promise<User> {
    return this.#admin.create(actor, input);
  }

  /** Soft delete: the user disappears, its tokens die, its email stays reserved. */
  delete(actor: Actor, id: number): Promise<void> {
    return this.#admin.delete(actor, id);
  }

  /**
   * Changes a password: on oneself with the current password; an admin sets a customer's, a super
   * admin anyone's. Revokes the user's tokens.
   */
  changePassword(actor: Actor, id: number, input: PasswordChangeInput): Promise<void> {
    return this.#admin.changePassword(actor, id, input);
  }

  /**
   * Adjusts a user's credits (admins on customers, super admins on anyone). With an
   * `idempotencyKey`, a retry of the same adjustment applies once and answers the first result.
   * The balance never goes below zero (INSUFFICIENT_CREDITS), also under parallel spends.
   */
  adjustCredits(actor: Actor, id: number, input: CreditAdjustmentInput, options: { idempotencyKey?: string | undefined } = {}): Promise<CreditAdjustmentResult> {
    return this.#credits.adjustCredits(actor, id, input, options);
  }

  /**
   * Grants credits from a backend job (no HTTP, no actor).
   *
   * @example
   * ```ts
   * await service.grantCredits(userId, 100, 'Welcome bonus', { idempotencyKey: `welcome-${userId}` });
   * ```
   */
  grantCredits(userId: number, amount: number, reason: string, options: { idempotencyKey?: string } = {}): Promise<CreditAdjustmentResult> {
    return this.#credits.grantCredits(userId, amount, reason, options);
  }

  /**
   * Spends credits from a backend job: INSUFFICIENT_CREDITS when the balance does not cover it.
   *
   * @example
   * ```ts
   * await service.spendCredits(userId, 5, 'Video render #812', { idempotencyKey: 'render-812' });
   * ```
   */
  spendCredits(userId: number, amount: number, reason: string, options: { idempotencyKey?: string } = {}): Promise<CreditAdjustmentResult> {
    return this.#credits.spendCredits(userId, amount, reason, options);
  }

  /** The balance and the ledger of a user, newest first (self or admin). */
  listCredits(actor: Actor, id: number, query: PageQueryInput = {}): Promise<CreditPage> {
    return this.#credits.listCredits(actor, id, query);
  }

  /** The activity of a user, newest first (self or admin). */
  listActivity(actor: Actor, id: number, query: PageQueryInput = {}): Promise<ActivityPage> {
    return this.#reports.listActivity(actor, id, query);
  }

  /** Totals, signups per day for the last 30 days, and credits in circulation (admins only). */
  stats(actor: Actor): Promise<UserStats> {
    return this.#reports.stats(actor);
  }

  /**
   * Exports the users matching the list filters as CSV or NDJSON (admins only). Validation and
   * authorisation happen before the first chunk; the chunks then stream from keyset batches.
   */
  exportUsers(actor: Actor, query: ExportQueryInput): Promise<{ format: ExportFormat; contentType: string; chunks: AsyncIterable<string> }> {
    return this.#transfer.exportUsers(actor, query);
  }

  /**
   * Imports users from CSV or NDJSON (admins; only a super admin imports admins). Every row is
   * checked before anything is written; any bad row rejects the whole import with
   * VALIDATION_ERROR listing each row's errors, and nothing changes. Rows carry `password`
   * (checked and hashed) or an existing bcrypt `password_hash` (stored as is). An update row
   * follows the same rules as {@link update}.
   */
  importUsers(...args: Parameters<UserTransfer['importUsers']>): Promise<ImportResult> {
    return this.#transfer.importUsers(...args);
  }

  /**
   * Makes sure an active super admin exists (first start, CLI `create-admin`): creates one with
   * this email and password when there is none. Returns whether it created one.
   *
   * @example
   * ```ts
   * const { created } = await service.ensureSuperAdmin({ email: 'root@example.com', password: generated });
   * ```
   */
  ensureSuperAdmin(input: { email: string; password: string; name?: string }): Promise<{ created: boolean; user?: User }> {
    return this.#admin.ensureSuperAdmin(input);
  }
}

/** The sign-in failure an error reports, or undefined for any other error (a bad body, an outage). */
function signInFailure(error: unknown): SignInFailure | undefined {
  if (isUserkitError(error, 'INVALID_CREDENTIALS')) return 'invalid_credentials';
  if (isUserkitError(error, 'ACCOUNT_SUSPENDED')) return 'account_suspended';
  if (isUserkitError(error, 'ACCOUNT_INACTIVE')) return 'account_inactive';
  return undefined;
}

function emailOf(input: LoginInput): string {
  const email: unknown = (input as { email?: unknown }).email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 320) : '';
}
