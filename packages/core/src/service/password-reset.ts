/**
 * Password reset by emailed code (docs/sessions.md): the code follows the verification-code
 * rules (6 CSPRNG digits, stored as a keyed hash, 10 minutes, single use, 5 tries) but lives in
 * its own columns (`reset_code`, `reset_expires`, `reset_attempts`) and hashes under its own
 * label, so neither flow's code serves the other. A reset sets the password under the policy,
 * bumps `token_version` and ends every session.
 */
import { UserkitError } from '../errors';
import { forgotPasswordSchema, resetPasswordSchema, type ForgotPasswordInput, type ResetPasswordInput } from '../session-schema';
import type { UserRecord } from '../user-record';
import { parseInput } from '../validation';
import { clearedCode, codeMatches, issueCode } from './emailed-codes';
import type { ServiceContext } from './service-context';

/** Who may reset a password: anyone who may sign in. */
const mayReset = (user: UserRecord) => user.status !== 'suspended' && user.status !== 'inactive';

const invalidCode = () => new UserkitError('INVALID_VERIFICATION_CODE', { detail: 'The code is wrong, expired or already used' });

/** Requesting a reset code and resetting with it. */
export class PasswordReset {
  readonly #ctx: ServiceContext;

  constructor(context: ServiceContext) {
    this.#ctx = context;
  }

  /**
   * Validates the request, then stores and mails a reset code when the address belongs to a user
   * who may sign in; silent otherwise. With `background`, resolves once the input is validated
   * and does the rest after (errors go to `onMailError`), so the answer takes the same time
   * whether or not the account exists.
   */
  async request(input: ForgotPasswordInput, options: { background?: boolean } = {}): Promise<void> {
    const { email } = parseInput(forgotPasswordSchema, input);
    return this.#ctx.answerThen(issueCode(this.#ctx, email, 'password-reset', mayReset), options.background);
  }

  /**
   * Sets a new password with an emailed reset code: INVALID_VERIFICATION_CODE when the code is
   * wrong, expired, used or out of tries; WEAK_PASSWORD under the policy. Ends every session.
   */
  async reset(input: ResetPasswordInput): Promise<void> {
    const ctx = this.#ctx;
    const { email, code, new_password } = parseInput(resetPasswordSchema, input);
    const password = ctx.passwordPolicy.check(new_password, email, 'new_password');
    // Hashed before the lookup, for every request: the answer takes as long for unknown addresses.
    const passwordHash = await ctx.hasher.hash(password);
    const hashed = await ctx.codes.hash(email, code, 'password-reset');
    const now = ctx.clock.now();
    const done = await ctx.repository.transaction(async (tx) => {
      const user = await tx.findByEmail(email, { lock: true });
      if (!user || !mayReset(user)) return false;
      if (!(await codeMatches(ctx, tx, user, 'password-reset', hashed, now))) return false;
      const row = await tx.update(user.id, { password_hash: passwordHash, token_version: user.token_version + 1, ...clearedCode('password-reset'), updated_at: now });
      if (!row) return false;
      await ctx.sessionsIn(tx).revokeAll(user.id, now);
      await tx.appendActivity({ user_id: user.id, actor_id: user.id, action: 'password_reset', changes: null, created_at: now });
      return true;
    });
    if (!done) throw invalidCode();
  }
}
