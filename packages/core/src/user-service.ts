/**
 * The user service: every operation on users, with validation, the role policy and the rules of
 * SPEC 7, over the ports. Framework-free; the HTTP handler and backend jobs both call it.
 */
import { WorkerPasswordHasher } from './worker-password-hasher';
import { systemClock, type Clock } from './clock';
import { UserkitError, isUserkitError, type FieldError } from './errors';
import { defaultListTotalCap, listUsersQuerySchema, type ListOptions, type ListUsersQueryInput, type UserPage } from './list-query-schema';
import type { Mailer } from './mailer';
import type { PasswordHasher } from './password-hasher';
import { PasswordPolicy, maxPasswordBytes, type PasswordPolicyOptions } from './password-policy';
import { assertAllowed, authorize, authorizeCollection, authorizeFields, relationOf, type PolicyActor, type TargetAction } from './role-policy';
import { isActiveSuperAdmin, toPublicUser, type NewUserRecord, type UserPatch, type UserRecord } from './user-record';
import type { ActivityRecord, NewActivityRecord, UserRepository } from './user-repository';
import { defaultImportLimits, importQuerySchema, importRowSchema, type ImportLimits, type ImportQueryInput, type ImportResult, type ImportRow } from './import-schema';
import { importContentType, importRejected, parseImport } from './user-import';
import { exportContentTypes, exportQuerySchema, formatExport, type ExportFormat, type ExportQueryInput } from './user-export';
import {
  creditAdjustmentSchema,
  idempotencyKeySchema,
  pageQuerySchema,
  type Activity,
  type ActivityPage,
  type CreditAdjustmentInput,
  type CreditAdjustmentResult,
  type CreditPage,
  type CreditTransaction,
  type CreditTransactionRecord,
  type PageQueryInput,
  type UserStats,
} from './ledger-schema';
import {
  adminCreateSchema,
  adminPasswordSetSchema,
  adminUpdateSchema,
  loginSchema,
  registerSchema,
  resendVerificationSchema,
  selfPasswordChangeSchema,
  selfUpdateSchema,
  superAdminCreateSchema,
  superAdminUpdateSchema,
  leadStatuses,
  userStatuses,
  userTypeSchema,
  userTypes,
  verifyEmailSchema,
  type LoginInput,
  type PasswordChangeInput,
  type RegisterInput,
  type ResendVerificationInput,
  type User,
  type UserCreateInput,
  type UserType,
  type UserUpdateInput,
  type VerifyEmailInput,
} from './user-schema';
import { fieldErrorsOf, parseInput, requireObject } from './validation';
import { VerificationCodeHasher, generateVerificationCode, randomCodeSecret, timingSafeEqualString, type CodeSecret } from './verification-code';

/** The caller of a service method: the signed-in user as loaded for this request. */
export type Actor = PolicyActor;

export interface UserServiceOptions {
  repository: UserRepository;
  mailer: Mailer;
  /** Default: bcrypt cost 12 in a pool of worker threads shared by every service (WorkerPasswordHasher). */
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
  /** Called when a message could not be sent (the write it belongs to has committed). */
  onMailError?: (error: unknown) => void;
  /**
   * How many matches `list` counts before it reports `total_capped` (default 1000; `Infinity`
   * counts them all, which costs a scan of every match on each page read).
   */
  listTotalCap?: number;
}

/** What {@link UserService.authenticate} returns. */
export interface AuthenticatedUser {
  user: User;
  /** The token version to embed in issued tokens. */
  token_version: number;
}

const verificationSubject = 'Your verification code';

/** The largest balance: the `credits` column is a 32-bit integer. */
const maxCredits = 2_147_483_647;

/** The default hasher: one worker pool per process, however many services are built. */
let sharedHasher: WorkerPasswordHasher | undefined;

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
  readonly #mailer: Mailer;
  readonly #hasher: PasswordHasher;
  readonly #clock: Clock;
  readonly #ttl: number;
  readonly #codes: VerificationCodeHasher;
  readonly #maxAttempts: number;
  readonly #onMailError: (error: unknown) => void;
  readonly #listOptions: ListOptions;
  #dummyHash: Promise<string> | undefined;

  constructor(options: UserServiceOptions) {
    this.repository = options.repository;
    this.#mailer = options.mailer;
    this.#hasher = options.hasher ?? (sharedHasher ??= new WorkerPasswordHasher());
    this.#clock = options.clock ?? systemClock;
    this.passwordPolicy = options.passwordPolicy instanceof PasswordPolicy ? options.passwordPolicy : new PasswordPolicy(options.passwordPolicy);
    this.#ttl = options.verificationTtlMs ?? 10 * 60_000;
    this.#codes = new VerificationCodeHasher(options.codeSecret ?? randomCodeSecret());
    this.#maxAttempts = options.maxVerificationAttempts ?? 5;
    this.#onMailError = options.onMailError ?? (() => {});
    this.#listOptions = { totalCap: options.listTotalCap ?? defaultListTotalCap };
    // Made now, so even the first unknown-email login costs the same as a known one.
    this.#getDummyHash().catch(() => {});
  }

  /** Creates a pending customer and sends a verification code. */
  async register(input: RegisterInput): Promise<User> {
    const { password, ...data } = parseInput(registerSchema, input);
    const passwordHash = await this.#hasher.hash(this.passwordPolicy.check(password, data.email));
    const now = this.#clock.now();
    const code = generateVerificationCode();
    const record = await this.repository.transaction(async (tx) => {
      const user = await tx.insert({
        ...data,
        password_hash: passwordHash,
        user_type: 'customer',
        status: 'pending',
        is_super_admin: false,
        email_verified: false,
        verification_code: await this.#codes.hash(data.email, code),
        verification_expires: new Date(now.getTime() + this.#ttl),
        verification_attempts: 0,
        created_at: now,
        updated_at: now,
      });
      await tx.appendActivity({ user_id: user.id, actor_id: user.id, action: 'registered', changes: null, created_at: now });
      return user;
    });
    await this.#sendCode(record.email, code);
    return toPublicUser(record);
  }

  /**
   * Checks an email and password. Unknown emails cost a dummy hash, so timing does not reveal
   * accounts. Sets `last_login` and re-hashes a hash weaker than configured.
   * Throws INVALID_CREDENTIALS, ACCOUNT_SUSPENDED or ACCOUNT_INACTIVE.
   */
  async authenticate(input: LoginInput): Promise<AuthenticatedUser> {
    const { email, password } = parseInput(loginSchema, input);
    const invalid = () => new UserkitError('INVALID_CREDENTIALS', { detail: 'The email or password is wrong' });
    const candidate = password.length > maxPasswordBytes * 4 ? undefined : this.passwordPolicy.normalize(password);
    const user = await this.repository.findByEmail(email);
    if (!user || candidate === undefined) {
      await this.#hasher.verify(candidate ?? '', await this.#getDummyHash());
      throw invalid();
    }
    if (!(await this.#hasher.verify(candidate, user.password_hash))) throw invalid();
    if (user.status === 'suspended') throw new UserkitError('ACCOUNT_SUSPENDED', { detail: 'This account is suspended' });
    if (user.status === 'inactive') throw new UserkitError('ACCOUNT_INACTIVE', { detail: 'This account is inactive' });
    const rehash = this.#hasher.needsRehash(user.password_hash) ? await this.#hasher.hash(candidate) : undefined;
    const now = this.#clock.now();
    const updated = await this.repository.transaction(async (tx) => {
      // Re-read under lock: a password change, suspension or deletion that committed while the
      // password was being checked wins, and this login fails as it would have a moment later.
      const current = await tx.findById(user.id, { lock: true });
      if (!current || current.password_hash !== user.password_hash || current.token_version !== user.token_version) throw invalid();
      if (current.status === 'suspended') throw new UserkitError('ACCOUNT_SUSPENDED', { detail: 'This account is suspended' });
      if (current.status === 'inactive') throw new UserkitError('ACCOUNT_INACTIVE', { detail: 'This account is inactive' });
      const patch: UserPatch = { last_login: now, is_authenticated: true, updated_at: now };
      if (rehash !== undefined) patch.password_hash = rehash;
      const row = await tx.update(user.id, patch, { expectedVersion: current.version });
      if (!row) throw invalid();
      await tx.appendActivity({ user_id: user.id, actor_id: user.id, action: 'login', changes: rehash ? { rehashed: true } : null, created_at: now });
      return row;
    });
    return { user: toPublicUser(updated), token_version: updated.token_version };
  }

  /** Confirms an email with its code: sets `email_verified` and turns `pending` into `active`. */
  async verifyEmail(input: VerifyEmailInput): Promise<User> {
    const { email, code } = parseInput(verifyEmailSchema, input);
    const now = this.#clock.now();
    const hashed = await this.#codes.hash(email, code);
    const outcome = await this.repository.transaction(async (tx) => {
      const user = await tx.findByEmail(email, { lock: true });
      if (!user || user.verification_code === null || user.verification_expires === null) return undefined;
      if (user.verification_attempts >= this.#maxAttempts || user.verification_expires.getTime() <= now.getTime()) return undefined;
      if (!timingSafeEqualString(user.verification_code, hashed)) {
        await tx.update(user.id, { verification_attempts: user.verification_attempts + 1 });
        await tx.appendActivity({ user_id: user.id, actor_id: null, action: 'verification_failed', changes: null, created_at: now });
        return undefined;
      }
      const row = await tx.update(user.id, {
        email_verified: true,
        verification_code: null,
        verification_expires: null,
        verification_attempts: 0,
        status: user.status === 'pending' ? 'active' : user.status,
        updated_at: now,
      });
      if (!row) return undefined;
      await tx.appendActivity({ user_id: user.id, actor_id: user.id, action: 'email_verified', changes: null, created_at: now });
      return row;
    });
    if (!outcome) throw new UserkitError('INVALID_VERIFICATION_CODE', { detail: 'The code is wrong, expired or already used' });
    return toPublicUser(outcome);
  }

  /** Replaces the verification code of an unverified user and sends it. Silent for unknown emails. */
  async resendVerification(input: ResendVerificationInput): Promise<void> {
    const { email } = parseInput(resendVerificationSchema, input);
    const now = this.#clock.now();
    const code = generateVerificationCode();
    const hashed = await this.#codes.hash(email, code);
    const sent = await this.repository.transaction(async (tx) => {
      const user = await tx.findByEmail(email, { lock: true });
      if (!user || user.email_verified || user.status === 'suspended' || user.status === 'inactive') return false;
      await tx.update(user.id, { verification_code: hashed, verification_expires: new Date(now.getTime() + this.#ttl), verification_attempts: 0 });
      await tx.appendActivity({ user_id: user.id, actor_id: null, action: 'verification_sent', changes: null, created_at: now });
      return true;
    });
    if (sent) await this.#sendCode(email, code);
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
  async get(actor: Actor, id: number, options: { loaded?: UserRecord | null | undefined } = {}): Promise<User> {
    const loaded = options.loaded && options.loaded.id !== id ? undefined : options.loaded;
    return toPublicUser(await this.#loadTarget(this.repository, actor, id, 'read', { loaded }));
  }

  /** Loads an actor by id for authentication: undefined when missing or deleted. Includes secrets: never send it. */
  findActor(id: number): Promise<UserRecord | undefined> {
    return this.repository.findById(id);
  }

  /**
   * {@link findActor} plus another live user (the target of a read) in the same round trip:
   * `other` is null when that user is missing or deleted. Both include secrets: never send them.
   */
  async findActorWith(actorId: number, otherId: number): Promise<{ actor: UserRecord | undefined; other: UserRecord | null }> {
    const rows = await this.repository.findByIds(actorId === otherId ? [actorId] : [actorId, otherId]);
    return { actor: rows.find((r) => r.id === actorId), other: rows.find((r) => r.id === otherId) ?? null };
  }

  /** One page of users (admins only). */
  async list(actor: Actor, query: ListUsersQueryInput): Promise<UserPage<User>> {
    assertAllowed(authorizeCollection(actor, 'list'));
    const parsed = parseInput(listUsersQuerySchema, query, 'The query has invalid parameters');
    const page = await this.repository.list(parsed, this.#listOptions);
    return { ...page, items: page.items.map(toPublicUser) };
  }

  /**
   * Partial update: fields left out stay as they are. With `expectedVersion` (from `If-Match`),
   * PRECONDITION_FAILED unless the stored version matches. Changing the email resets
   * `email_verified` (unless an admin sets it in the same request) and sends a new code.
   */
  async update(actor: Actor, id: number, input: UserUpdateInput, options: { expectedVersion?: number } = {}): Promise<User> {
    const body = requireObject(input);
    const now = this.#clock.now();
    let code: string | undefined;
    const row = await this.repository.transaction(async (tx) => {
      const requestedType = userTypeSchema.safeParse(body.user_type);
      // Lock order: the super admin rows before the target row, in every transaction that may
      // demote one, so two super admins demoting each other queue instead of deadlocking.
      if ('status' in body || 'user_type' in body || 'is_super_admin' in body) await tx.activeSuperAdminIds({ lock: true });
      const target = await this.#loadTarget(tx, actor, id, 'update', {
        lock: true,
        fields: Object.keys(body),
        resultingType: requestedType.success ? requestedType.data : undefined,
      });
      const relation = relationOf(actor, target);
      const schema = relation === 'super-self' || relation === 'super-other' ? superAdminUpdateSchema : relation === 'admin-customer' ? adminUpdateSchema : selfUpdateSchema;
      const data: Partial<UserRecord> = parseInput(schema, body);
      if (options.expectedVersion !== undefined && options.expectedVersion !== target.version) throw preconditionFailed();

      const next: UserRecord = { ...target, ...stripUndefined(data) } as UserRecord;
      this.#checkRoleConsistency(next, data);
      if (next.user_type === 'admin') Object.assign(next, { lead_status: null, notes: null });
      const emailChanged = next.email !== target.email;
      if (emailChanged && data.email_verified !== true) {
        code = generateVerificationCode();
        if (data.email_verified === undefined) next.email_verified = false;
        next.verification_code = await this.#codes.hash(next.email, code);
        next.verification_expires = new Date(now.getTime() + this.#ttl);
        next.verification_attempts = 0;
      }
      if (data.email_verified === true && !target.email_verified) {
        // An admin vouches for the address: the pending code is void, and pending becomes active.
        Object.assign(next, { verification_code: null, verification_expires: null, verification_attempts: 0 });
        if (data.status === undefined && target.status === 'pending') next.status = 'active';
      }
      const changes = diff(target, next);
      if (Object.keys(changes).length === 0) return target;
      const roleChanged = 'user_type' in changes || 'is_super_admin' in changes;
      const statusChanged = 'status' in changes;
      await this.#guardLastSuperAdmin(tx, target, next);
      const patch: UserPatch = { ...pick(next, Object.keys(changes)), updated_at: now };
      Object.assign(patch, pick(next, ['verification_code', 'verification_expires', 'verification_attempts']));
      if (roleChanged || statusChanged) patch.token_version = target.token_version + 1;
      const updated = await tx.update(id, patch, { expectedVersion: target.version });
      if (!updated) throw preconditionFailed();
      const action = roleChanged ? 'role_changed' : statusChanged ? 'status_changed' : 'updated';
      await tx.appendActivity({ user_id: id, actor_id: actor.id, action, changes, created_at: now });
      return updated;
    });
    if (code !== undefined) await this.#sendCode(row.email, code);
    return toPublicUser(row);
  }

  /** Creates a user (admins create customers; only a super admin creates admins). Active by default. */
  async create(actor: Actor, input: UserCreateInput): Promise<User> {
    const body = requireObject(input);
    assertAllowed(authorizeCollection(actor, 'create', Object.keys(body)));
    const parsed = parseInput(actor.is_super_admin ? superAdminCreateSchema : adminCreateSchema, body);
    const { password, ...data } = parsed as typeof parsed & { user_type?: UserType; is_super_admin?: boolean };
    const next = { user_type: 'customer' as UserType, is_super_admin: false, ...stripUndefined(data) };
    this.#checkRoleConsistency(next, data);
    if (next.user_type === 'admin' && (data.lead_status != null || data.notes != null)) {
      throw new UserkitError('FIELD_NOT_ALLOWED', { detail: 'Lead status and notes exist only on customers', fields: ['lead_status', 'notes'].filter((f) => f in data) });
    }
    const passwordHash = await this.#hasher.hash(this.passwordPolicy.check(password, data.email));
    const now = this.#clock.now();
    const code = next.email_verified ? undefined : generateVerificationCode();
    const values: NewUserRecord = {
      ...next,
      email: data.email,
      password_hash: passwordHash,
      status: data.status ?? 'active',
      email_verified: data.email_verified ?? false,
      created_at: now,
      updated_at: now,
    };
    if (code !== undefined) {
      values.verification_code = await this.#codes.hash(data.email, code);
      values.verification_expires = new Date(now.getTime() + this.#ttl);
    }
    const record = await this.repository.transaction(async (tx) => {
      const user = await tx.insert(values);
      await tx.appendActivity({ user_id: user.id, actor_id: actor.id, action: 'created', changes: null, created_at: now });
      return user;
    });
    if (code !== undefined) await this.#sendCode(record.email, code);
    return toPublicUser(record);
  }

  /** Soft delete: the user disappears, its tokens die, its email stays reserved. */
  async delete(actor: Actor, id: number): Promise<void> {
    const now = this.#clock.now();
    await this.repository.transaction(async (tx) => {
      await tx.activeSuperAdminIds({ lock: true }); // lock order: see update()
      const target = await this.#loadTarget(tx, actor, id, 'delete', { lock: true });
      await this.#guardLastSuperAdmin(tx, target, { ...target, deleted_at: now });
      const updated = await tx.update(id, { deleted_at: now, updated_at: now, token_version: target.token_version + 1 });
      if (!updated) throw new UserkitError('NOT_FOUND', { detail: 'No such user' });
      await tx.appendActivity({ user_id: id, actor_id: actor.id, action: 'deleted', changes: null, created_at: now });
    });
  }

  /**
   * Changes a password: on oneself with the current password; an admin sets a customer's, a super
   * admin anyone's. Revokes the user's tokens.
   */
  async changePassword(actor: Actor, id: number, input: PasswordChangeInput): Promise<void> {
    const target = await this.#loadTarget(this.repository, actor, id, 'password');
    const decision = authorize(actor, 'password', target);
    assertAllowed(decision);
    let newPassword: string;
    if (decision.passwordMode === 'with-current') {
      const body = parseInput(selfPasswordChangeSchema, input);
      newPassword = this.passwordPolicy.check(body.new_password, target.email, 'new_password');
      const current = body.current_password.length > maxPasswordBytes * 4 ? '' : this.passwordPolicy.normalize(body.current_password);
      if (!(await this.#hasher.verify(current, target.password_hash))) {
        throw new UserkitError('INVALID_CURRENT_PASSWORD', { detail: 'The current password is wrong' });
      }
    } else {
      newPassword = this.passwordPolicy.check(parseInput(adminPasswordSetSchema, input).new_password, target.email, 'new_password');
    }
    const passwordHash = await this.#hasher.hash(newPassword);
    const now = this.#clock.now();
    await this.repository.transaction(async (tx) => {
      const locked = await this.#loadTarget(tx, actor, id, 'password', { lock: true });
      const updated = await tx.update(id, { password_hash: passwordHash, token_version: locked.token_version + 1, updated_at: now }, { expectedVersion: target.version });
      if (!updated) throw new UserkitError('PRECONDITION_FAILED', { detail: 'The user changed while the password was being set; try again' });
      await tx.appendActivity({ user_id: id, actor_id: actor.id, action: 'password_changed', changes: null, created_at: now });
    });
  }

  /**
   * Adjusts a user's credits (admins on customers, super admins on anyone; SPEC 6). With an
   * `idempotencyKey`, a retry of the same adjustment applies once and answers the first result.
   * The balance never goes below zero (INSUFFICIENT_CREDITS), also under parallel spends.
   */
  async adjustCredits(actor: Actor, id: number, input: CreditAdjustmentInput, options: { idempotencyKey?: string | undefined } = {}): Promise<CreditAdjustmentResult> {
    const { amount, reason } = parseInput(creditAdjustmentSchema, input);
    const key = options.idempotencyKey === undefined ? undefined : parseInput(idempotencyKeySchema, options.idempotencyKey, 'The Idempotency-Key header is invalid');
    return this.#applyCredits(id, amount, reason, key, actor);
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
    const parsed = parseInput(creditAdjustmentSchema, { amount, reason });
    if (parsed.amount < 0) throw new UserkitError('VALIDATION_ERROR', { detail: 'Grant a positive amount', errors: [{ path: 'amount', message: 'Must be positive', code: 'too_small' }] });
    return this.#applyCredits(userId, parsed.amount, parsed.reason, options.idempotencyKey, undefined);
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
    const parsed = parseInput(creditAdjustmentSchema, { amount, reason });
    if (parsed.amount < 0) throw new UserkitError('VALIDATION_ERROR', { detail: 'Spend a positive amount', errors: [{ path: 'amount', message: 'Must be positive', code: 'too_small' }] });
    return this.#applyCredits(userId, -parsed.amount, parsed.reason, options.idempotencyKey, undefined);
  }

  /** The balance and the ledger of a user, newest first (self or admin). */
  async listCredits(actor: Actor, id: number, query: PageQueryInput = {}): Promise<CreditPage> {
    const page = parseInput(pageQuerySchema, query, 'The query has invalid parameters');
    const target = await this.#loadTarget(this.repository, actor, id, 'credits.read');
    const result = await this.repository.listCreditTransactions(id, page);
    return { credits: target.credits, items: result.items.map(toPublicCreditTransaction), next_cursor: result.next_cursor };
  }

  /** The activity of a user, newest first (self or admin). */
  async listActivity(actor: Actor, id: number, query: PageQueryInput = {}): Promise<ActivityPage> {
    const page = parseInput(pageQuerySchema, query, 'The query has invalid parameters');
    await this.#loadTarget(this.repository, actor, id, 'activity.read');
    const result = await this.repository.listActivity(id, page);
    return { items: result.items.map(toPublicActivity), next_cursor: result.next_cursor };
  }

  /** Totals, signups per day for the last 30 days, and credits in circulation (admins only). */
  async stats(actor: Actor): Promise<UserStats> {
    assertAllowed(authorizeCollection(actor, 'stats'));
    const now = this.#clock.now();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const day = 86_400_000;
    const since = new Date(today - 29 * day);
    const counts = await this.repository.countUsers(since);
    const pick = <K extends string>(keys: readonly K[], map: Record<string, number>) => Object.fromEntries(keys.map((k) => [k, map[k] ?? 0])) as Record<K, number>;
    return {
      total: counts.total,
      by_user_type: pick(userTypes, counts.byUserType),
      by_status: pick(userStatuses, counts.byStatus),
      by_lead_status: pick([...leadStatuses, 'none'] as const, counts.byLeadStatus),
      email_verified: { verified: counts.verified, unverified: counts.total - counts.verified },
      signups_per_day: Array.from({ length: 30 }, (_, i) => {
        const date = new Date(since.getTime() + i * day).toISOString().slice(0, 10);
        return { date, count: counts.signupsPerDay[date] ?? 0 };
      }),
      credits_in_circulation: counts.credits,
    };
  }

  async #applyCredits(id: number, amount: number, reason: string, key: string | undefined, actor: Actor | undefined): Promise<CreditAdjustmentResult> {
    const now = this.#clock.now();
    return this.repository.transaction(async (tx) => {
      // The row lock serialises every adjustment of this user: parallel spends are exact and a
      // retried idempotency key is seen by the retry.
      const target = actor ? await this.#loadTarget(tx, actor, id, 'credits.adjust', { lock: true }) : await tx.findById(id, { lock: true });
      if (!target) throw new UserkitError('NOT_FOUND', { detail: 'No such user' });
      if (key !== undefined) {
        const previous = await tx.findCreditTransaction(id, key);
        if (previous) {
          if (previous.amount !== amount || previous.reason !== reason) {
            throw new UserkitError('VALIDATION_ERROR', {
              detail: 'This Idempotency-Key was used for a different adjustment',
              errors: [{ path: 'Idempotency-Key', message: 'Already used for a different amount or reason', code: 'idempotency_key_reused' }],
            });
          }
          return { credits: target.credits, transaction: toPublicCreditTransaction(previous) };
        }
      }
      if (target.credits + amount < 0) throw new UserkitError('INSUFFICIENT_CREDITS', { detail: `The balance is ${target.credits}; it cannot go below zero` });
      if (target.credits + amount > maxCredits) {
        throw new UserkitError('VALIDATION_ERROR', {
          detail: `The balance is ${target.credits}; it cannot exceed ${maxCredits}`,
          errors: [{ path: 'amount', message: `The balance cannot exceed ${maxCredits}`, code: 'too_big' }],
        });
      }
      const balance = await tx.addCredits(id, amount, now);
      if (balance === undefined) throw new UserkitError('NOT_FOUND', { detail: 'No such user' });
      const transaction = await tx.insertCreditTransaction({ user_id: id, actor_id: actor?.id ?? null, amount, balance_after: balance, reason, idempotency_key: key ?? null, created_at: now });
      await tx.appendActivity({ user_id: id, actor_id: actor?.id ?? null, action: 'credits_adjusted', changes: { credits: { old: target.credits, new: balance }, amount, reason }, created_at: now });
      return { credits: balance, transaction: toPublicCreditTransaction(transaction) };
    });
  }

  /**
   * Exports the users matching the list filters as CSV or NDJSON (admins only). Validation and
   * authorisation happen before the first chunk; the chunks then stream from keyset batches.
   */
  async exportUsers(actor: Actor, query: ExportQueryInput): Promise<{ format: ExportFormat; contentType: string; chunks: AsyncIterable<string> }> {
    assertAllowed(authorizeCollection(actor, 'export'));
    const { format, ...filters } = parseInput(exportQuerySchema, query, 'The query has invalid parameters');
    return { format, contentType: exportContentTypes[format], chunks: formatExport(this.repository.scanUsers(filters, 1000), format) };
  }

  /**
   * Imports users from CSV or NDJSON (admins; only a super admin imports admins). Every row is
   * checked before anything is written; any bad row rejects the whole import with
   * VALIDATION_ERROR listing each row's errors, and nothing changes. Rows carry `password`
   * (checked and hashed) or an existing bcrypt `password_hash` (stored as is).
   */
  async importUsers(
    actor: Actor,
    source: AsyncIterable<Uint8Array | string>,
    contentType: string | undefined,
    query: ImportQueryInput = {},
    limits: Partial<ImportLimits> = {},
  ): Promise<ImportResult> {
    assertAllowed(authorizeCollection(actor, 'import'));
    const type = importContentType(contentType);
    const options = parseInput(importQuerySchema, query, 'The query has invalid parameters');
    const limit = { ...defaultImportLimits, ...limits };
    const errors: FieldError[] = [];
    const rowError = (row: number, path: string, message: string, code: string) => errors.push({ row, path, message, code });
    const rows: { row: number; data: ImportRow }[] = [];
    const emails = new Map<string, number>();
    const usernames = new Map<string, number>();

    for await (const raw of parseImport(source, type, limit)) {
      if (errors.length >= limit.maxErrors) break;
      // The password columns are the row's credentials, not fields the policy guards.
      if (!actor.is_super_admin) {
        // An export carries the role columns; at their customer defaults they change nothing.
        if (raw.values['user_type'] === 'customer') delete raw.values['user_type'];
        if (raw.values['is_super_admin'] === false) delete raw.values['is_super_admin'];
      }
      const fields = Object.keys(raw.values).filter((key) => key !== 'password' && key !== 'password_hash');
      const decision = authorizeCollection(actor, 'create', fields);
      if (!decision.allow) {
        for (const field of decision.fields ?? []) rowError(raw.row, field, 'You may not set this field', 'field_not_allowed');
        continue;
      }
      const parsed = importRowSchema.safeParse(raw.values);
      if (!parsed.success) {
        for (const e of fieldErrorsOf(parsed.error)) rowError(raw.row, e.path, e.message, e.code);
        continue;
      }
      const data = parsed.data;
      const type_ = data.user_type ?? 'customer';
      if (data.is_super_admin && type_ !== 'admin') rowError(raw.row, 'is_super_admin', 'Only admins can be super admins', 'custom');
      if (type_ === 'admin' && (data.lead_status != null || data.notes != null)) rowError(raw.row, 'lead_status', 'Lead status and notes exist only on customers', 'field_not_allowed');
      const firstEmail = emails.get(data.email);
      if (firstEmail !== undefined) rowError(raw.row, 'email', `Same email as row ${firstEmail}`, 'duplicate');
      else emails.set(data.email, raw.row);
      if (data.username) {
        const key = data.username.toLowerCase();
        const first = usernames.get(key);
        if (first !== undefined) rowError(raw.row, 'username', `Same username as row ${first}`, 'duplicate');
        else usernames.set(key, raw.row);
      }
      if (data.password !== undefined) {
        try {
          data.password = this.passwordPolicy.check(data.password, data.email);
        } catch (error) {
          if (!isUserkitError(error)) throw error;
          rowError(raw.row, 'password', error.detail, 'weak_password');
        }
      }
      rows.push({ row: raw.row, data });
    }
    // No throw yet: the rows that parsed are also checked against the database, so one rejection
    // reports every bad row at once.

    const existing = new Map<string, UserRecord>();
    for (let i = 0; i < rows.length; i += 1000) {
      for (const user of await this.repository.findByEmails(rows.slice(i, i + 1000).map((r) => r.data.email))) existing.set(user.email, user);
    }
    const creates: { row: number; data: ImportRow }[] = [];
    const updates: { row: number; data: ImportRow; target: UserRecord }[] = [];
    let skipped = 0;
    for (const entry of rows) {
      const target = existing.get(entry.data.email);
      if (!target) {
        if (entry.data.password === undefined && entry.data.password_hash === undefined) rowError(entry.row, 'password', 'A new user needs password or password_hash', 'required');
        creates.push(entry);
      } else if (options.on_conflict === 'skip') skipped++;
      else if (options.on_conflict === 'error' || target.deleted_at !== null) rowError(entry.row, 'email', 'A user with this email already exists', 'email_taken');
      else {
        const { email: _email, password: _password, password_hash: _hash, ...fields } = entry.data;
        const decision = authorizeFields(actor, target, Object.keys(fields), fields.user_type ?? target.user_type);
        if (!decision.allow) rowError(entry.row, (decision.fields ?? ['email'])[0] ?? 'email', 'You may not change this user', 'forbidden');
        else updates.push({ ...entry, target });
      }
    }
    const newUsernames = creates.flatMap((c) => (c.data.username ? [c.data.username] : []));
    for (let i = 0; i < newUsernames.length; i += 1000) {
      for (const user of await this.repository.findByUsernames(newUsernames.slice(i, i + 1000))) {
        const row = usernames.get((user.username ?? '').toLowerCase());
        if (row !== undefined && existing.get(user.email) === undefined) rowError(row, 'username', 'This username is already in use', 'username_taken');
      }
    }
    if (errors.length > 0) throw importRejected(errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)), limit.maxErrors);
    const result = { created: creates.length, updated: updates.length, skipped, dry_run: options.dry_run, errors: [] };
    if (options.dry_run) return result;

    const hashes = await this.#hashAll([...creates, ...updates].map((r) => r.data.password));
    const now = this.#clock.now();
    await this.repository.transaction(async (tx) => {
      if (updates.length > 0) await tx.activeSuperAdminIds({ lock: true }); // lock order: see update()
      const values: NewUserRecord[] = creates.map(({ data }, i) => {
        const { password: _password, password_hash, ...fields } = data;
        return {
          ...stripUndefined(fields),
          email: data.email,
          user_type: data.user_type ?? 'customer',
          is_super_admin: data.is_super_admin ?? false,
          status: data.status ?? 'active',
          email_verified: data.email_verified ?? false,
          password_hash: hashes[i] ?? (password_hash as string),
          created_at: now,
          updated_at: now,
        };
      });
      const created: UserRecord[] = [];
      for (let i = 0; i < values.length; i += 1000) created.push(...(await tx.insertMany(values.slice(i, i + 1000))));
      const activity: NewActivityRecord[] = created.map((user) => ({ user_id: user.id, actor_id: actor.id, action: 'imported', changes: null, created_at: now }));
      for (const [i, { data, target }] of updates.entries()) {
        const { email: _email, password: _password, password_hash, ...fields } = data;
        const patch: UserPatch = { ...stripUndefined(fields), updated_at: now };
        const hash = hashes[creates.length + i] ?? password_hash;
        if (hash !== undefined) Object.assign(patch, { password_hash: hash, token_version: target.token_version + 1 });
        if (patch.user_type === 'admin') Object.assign(patch, { lead_status: null, notes: null });
        if (patch.user_type === 'customer') patch.is_super_admin = false;
        const next = { ...target, ...patch } as UserRecord;
        await this.#guardLastSuperAdmin(tx, target, next);
        if ('status' in patch || 'user_type' in patch || 'is_super_admin' in patch) patch.token_version = target.token_version + 1;
        const updated = await tx.update(target.id, patch);
        if (!updated) throw new UserkitError('PRECONDITION_FAILED', { detail: `User ${target.email} changed during the import; try again` });
        activity.push({ user_id: target.id, actor_id: actor.id, action: 'imported', changes: diff(target, updated), created_at: now });
      }
      for (let i = 0; i < activity.length; i += 1000) await tx.appendActivities(activity.slice(i, i + 1000));
    });
    return result;
  }

  /** Hashes the given passwords (undefined stays undefined), a few at a time. */
  async #hashAll(passwords: (string | undefined)[]): Promise<(string | undefined)[]> {
    const out: (string | undefined)[] = new Array(passwords.length);
    let next = 0;
    const worker = async () => {
      while (next < passwords.length) {
        const i = next++;
        const password = passwords[i];
        out[i] = password === undefined ? undefined : await this.#hasher.hash(password);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return out;
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
  async ensureSuperAdmin(input: { email: string; password: string; name?: string }): Promise<{ created: boolean; user?: User }> {
    const email = parseInput(loginSchema.shape.email, input.email);
    if ((await this.repository.activeSuperAdminIds()).length > 0) return { created: false };
    const passwordHash = await this.#hasher.hash(this.passwordPolicy.check(input.password, email));
    const now = this.#clock.now();
    const user = await this.repository.transaction(async (tx) => {
      if ((await tx.activeSuperAdminIds({ lock: true })).length > 0) return undefined;
      const created = await tx.insert({
        email,
        password_hash: passwordHash,
        user_type: 'admin',
        is_super_admin: true,
        status: 'active',
        email_verified: true,
        name: input.name ?? 'Super admin',
        created_at: now,
        updated_at: now,
      });
      await tx.appendActivity({ user_id: created.id, actor_id: null, action: 'created', changes: { super_admin: { old: null, new: true } }, created_at: now });
      return created;
    });
    return user ? { created: true, user: toPublicUser(user) } : { created: false };
  }

  /**
   * Loads a live target and checks the action. Customers asking for anyone else get FORBIDDEN
   * before any lookup, so they cannot learn which ids exist.
   */
  async #loadTarget(
    repo: UserRepository,
    actor: Actor,
    id: number,
    action: TargetAction,
    options: { lock?: boolean; fields?: string[]; resultingType?: UserType | undefined; loaded?: UserRecord | null | undefined } = {},
  ): Promise<UserRecord> {
    if (actor.user_type !== 'admin' && actor.id !== id) throw new UserkitError('FORBIDDEN', { detail: 'You may not do this' });
    const target = options.loaded !== undefined ? (options.loaded ?? undefined) : await repo.findById(id, { lock: options.lock ?? false });
    if (!target) throw new UserkitError('NOT_FOUND', { detail: 'No such user' });
    const decision =
      action === 'update'
        ? authorizeFields(actor, target, options.fields ?? [], options.resultingType ?? target.user_type)
        : authorize(actor, action, target);
    assertAllowed(decision);
    return target;
  }

  /** is_super_admin only on admins. */
  #checkRoleConsistency(next: { user_type: UserType; is_super_admin: boolean }, data: { is_super_admin?: boolean | undefined }): void {
    if (next.user_type === 'customer' && next.is_super_admin) {
      if (data.is_super_admin === true) {
        throw new UserkitError('VALIDATION_ERROR', {
          detail: 'Only admins can be super admins',
          errors: [{ path: 'is_super_admin', message: 'Only admins can be super admins', code: 'custom' }],
        });
      }
      next.is_super_admin = false;
    }
  }

  /** LAST_SUPER_ADMIN when `after` would remove the last active super admin. */
  async #guardLastSuperAdmin(tx: UserRepository, before: UserRecord, after: UserRecord): Promise<void> {
    if (!isActiveSuperAdmin(before) || isActiveSuperAdmin(after)) return;
    const ids = await tx.activeSuperAdminIds({ lock: true });
    if (!ids.some((other) => other !== before.id)) {
      throw new UserkitError('LAST_SUPER_ADMIN', { detail: 'This would leave no active super admin' });
    }
  }

  #getDummyHash(): Promise<string> {
    this.#dummyHash ??= this.#hasher.hash(`userkit-dummy-${generateVerificationCode()}-${generateVerificationCode()}`);
    this.#dummyHash.catch(() => {
      this.#dummyHash = undefined;
    });
    return this.#dummyHash;
  }

  async #sendCode(to: string, code: string): Promise<void> {
    const minutes = Math.round(this.#ttl / 60_000);
    try {
      await this.#mailer.send({
        to,
        subject: verificationSubject,
        text: `Your verification code is ${code}. It expires in ${minutes} minutes. If you did not ask for it, ignore this message.`,
        code,
      });
    } catch (error) {
      this.#onMailError(error);
    }
  }
}

function toPublicCreditTransaction(record: CreditTransactionRecord): CreditTransaction {
  return { ...record, created_at: record.created_at.toISOString() };
}

function toPublicActivity(record: ActivityRecord): Activity {
  return { ...record, created_at: record.created_at.toISOString() };
}

function preconditionFailed(): UserkitError {
  return new UserkitError('PRECONDITION_FAILED', { detail: 'The user was changed by someone else; reload and try again' });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function pick<T extends object>(value: T, keys: string[]): Partial<T> {
  return Object.fromEntries(keys.map((k) => [k, (value as Record<string, unknown>)[k]])) as Partial<T>;
}

/** Columns whose values never enter the activity log. */
const unloggedColumns = new Set(['password_hash', 'verification_code', 'verification_attempts', 'token_version', 'verification_expires']);

/** Changed writable columns as `{ field: { old, new } }`, secrets left out. */
function diff(before: UserRecord, after: UserRecord): Record<string, { old: unknown; new: unknown }> {
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const key of Object.keys(after) as (keyof UserRecord)[]) {
    if (unloggedColumns.has(key) || key === 'updated_at' || key === 'version') continue;
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) !== JSON.stringify(b)) changes[key] = { old: a, new: b };
  }
  return changes;
}
