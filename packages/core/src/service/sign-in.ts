/**
 * Sign-in and verification: registration, login, email verification and resending the code.
 * Everything here runs without a signed-in actor.
 */
import { UserkitError } from '../errors';
import { toPublicUser, type UserPatch, type UserRecord } from '../user-record';
import {
  loginSchema,
  registerSchema,
  resendVerificationSchema,
  verifyEmailSchema,
  type LoginInput,
  type RegisterInput,
  type ResendVerificationInput,
  type User,
  type VerifyEmailInput,
} from '../user-schema';
import { parseInput } from '../validation';
import { clearedCode, codeMatches, issueCode } from './emailed-codes';
import type { ServiceContext } from './service-context';
import { applyUserChange, planUserChange } from './user-change';

/** What {@link SignInFlows.authenticate} returns. */
export interface AuthenticatedUser {
  user: User;
  /** The token version to embed in issued tokens. */
  token_version: number;
}

const invalidCredentials = () => new UserkitError('INVALID_CREDENTIALS', { detail: 'The email or password is wrong' });

/** Registration, login and email verification. */
export class SignInFlows {
  readonly #ctx: ServiceContext;

  constructor(context: ServiceContext) {
    this.#ctx = context;
  }

  /** Creates a pending customer and sends a verification code. */
  async register(input: RegisterInput): Promise<User> {
    const ctx = this.#ctx;
    const { password, ...data } = parseInput(registerSchema, input);
    const passwordHash = await ctx.hasher.hash(ctx.passwordPolicy.check(password, data.email));
    const now = ctx.clock.now();
    const plan = await planUserChange(undefined, { data: { ...data, status: 'pending' }, passwordHash, now, verificationTtlMs: ctx.verificationTtlMs, codes: ctx.codes });
    const record = await ctx.repository.transaction((tx) => applyUserChange(tx, plan, { actorId: 'self', action: 'registered' }));
    if (plan.code !== undefined) await ctx.sendCode(record.email, plan.code);
    ctx.emit('user.created', { user: toPublicUser(record), actorId: record.id, via: 'register' });
    return toPublicUser(record);
  }

  /**
   * Checks an email and password. Unknown emails cost a dummy hash, so timing does not reveal
   * accounts. Sets `last_login` and re-hashes a hash weaker than configured.
   * Throws INVALID_CREDENTIALS, ACCOUNT_SUSPENDED or ACCOUNT_INACTIVE.
   */
  async authenticate(input: LoginInput): Promise<AuthenticatedUser> {
    const ctx = this.#ctx;
    const { email, password } = parseInput(loginSchema, input);
    const candidate = ctx.passwordPolicy.candidate(password);
    const user = await ctx.repository.findByEmail(email);
    if (!user || candidate === undefined) {
      await ctx.hasher.verify(candidate ?? '', await ctx.dummyHash());
      throw invalidCredentials();
    }
    if (!(await ctx.hasher.verify(candidate, user.password_hash))) throw invalidCredentials();
    assertMaySignIn(user.status);
    const rehash = ctx.hasher.needsRehash(user.password_hash) ? await ctx.hasher.hash(candidate) : undefined;
    const now = ctx.clock.now();
    const updated = await ctx.repository.transaction(async (tx) => {
      // Re-read under lock: a password change, suspension or deletion that committed while the
      // password was being checked wins, and this login fails as it would have a moment later.
      const current = await tx.findById(user.id, { lock: true });
      if (!current || current.password_hash !== user.password_hash || current.token_version !== user.token_version) throw invalidCredentials();
      assertMaySignIn(current.status);
      const patch: UserPatch = { last_login: now, is_authenticated: true, updated_at: now };
      if (rehash !== undefined) patch.password_hash = rehash;
      const row = await tx.update(user.id, patch, { expectedVersion: current.version });
      if (!row) throw invalidCredentials();
      await tx.appendActivity({ user_id: user.id, actor_id: user.id, action: 'login', changes: rehash ? { rehashed: true } : null, created_at: now });
      return row;
    });
    ctx.emit('user.signed_in', { user: toPublicUser(updated) });
    return { user: toPublicUser(updated), token_version: updated.token_version };
  }

  /** Confirms an email with its code: sets `email_verified` and turns `pending` into `active`. */
  async verifyEmail(input: VerifyEmailInput): Promise<User> {
    const ctx = this.#ctx;
    const { email, code } = parseInput(verifyEmailSchema, input);
    const now = ctx.clock.now();
    const hashed = await ctx.codes.hash(email, code);
    const outcome = await ctx.repository.transaction(async (tx) => {
      const user = await tx.findByEmail(email, { lock: true });
      if (!user || !(await codeMatches(ctx, tx, user, 'verification', hashed, now))) return undefined;
      const row = await tx.update(user.id, {
        email_verified: true,
        ...clearedCode('verification'),
        status: user.status === 'pending' ? 'active' : user.status,
        updated_at: now,
      });
      if (!row) return undefined;
      await tx.appendActivity({ user_id: user.id, actor_id: user.id, action: 'email_verified', changes: null, created_at: now });
      return row;
    });
    if (!outcome) throw new UserkitError('INVALID_VERIFICATION_CODE', { detail: 'The code is wrong, expired or already used' });
    ctx.emit('user.email_verified', { user: toPublicUser(outcome) });
    return toPublicUser(outcome);
  }

  /** Replaces the verification code of an unverified user and sends it. Silent for unknown emails. */
  async resendVerification(input: ResendVerificationInput, options: { background?: boolean } = {}): Promise<void> {
    const { email } = parseInput(resendVerificationSchema, input);
    const unverified = (user: UserRecord) => !user.email_verified && user.status !== 'suspended' && user.status !== 'inactive';
    return this.#ctx.answerThen(issueCode(this.#ctx, email, 'verification', unverified), options.background);
  }
}

function assertMaySignIn(status: string): void {
  if (status === 'suspended') throw new UserkitError('ACCOUNT_SUSPENDED', { detail: 'This account is suspended' });
  if (status === 'inactive') throw new UserkitError('ACCOUNT_INACTIVE', { detail: 'This account is inactive' });
}
