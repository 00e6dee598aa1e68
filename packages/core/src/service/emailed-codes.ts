/**
 * The emailed codes of email verification and password reset. Each purpose keeps its code in its
 * own columns and hashes it under its own label, so neither flow's code serves the other; both
 * follow the same rules (6 CSPRNG digits, stored as a keyed hash, `verificationTtlMs`, single use,
 * `maxVerificationAttempts` tries), written here once.
 */
import type { UserPatch, UserRecord } from '../user-record';
import type { UserRepository } from '../user-repository';
import { generateVerificationCode, timingSafeEqualString } from '../verification-code';
import type { CodePurpose, ServiceContext } from './service-context';

/** Where each purpose keeps its code on the user row, and what the activity log calls its steps. */
const codeColumns = {
  verification: { code: 'verification_code', expires: 'verification_expires', attempts: 'verification_attempts', issued: 'verification_sent', failed: 'verification_failed' },
  'password-reset': { code: 'reset_code', expires: 'reset_expires', attempts: 'reset_attempts', issued: 'password_reset_requested', failed: 'password_reset_failed' },
} as const;

/** The patch that stores `code` (a keyed hash, or null) with its expiry and a fresh count of tries. */
function codePatch(purpose: CodePurpose, code: string | null, expires: Date | null): UserPatch {
  const columns = codeColumns[purpose];
  return { [columns.code]: code, [columns.expires]: expires, [columns.attempts]: 0 };
}

/** The patch that forgets the code of `purpose`: what a successful check writes besides its own change. */
export function clearedCode(purpose: CodePurpose): UserPatch {
  return codePatch(purpose, null, null);
}

/**
 * Stores a new code of `purpose` on the user with `email` when `eligible` accepts them, logs it,
 * and mails it once the transaction has committed; does nothing for an unknown or ineligible
 * address. Run it through {@link ServiceContext.answerThen}, so the answer does not tell which.
 */
export async function issueCode(ctx: ServiceContext, email: string, purpose: CodePurpose, eligible: (user: UserRecord) => boolean): Promise<void> {
  const now = ctx.clock.now();
  const code = generateVerificationCode();
  const hashed = await ctx.codes.hash(email, code, purpose);
  const issued = await ctx.repository.transaction(async (tx) => {
    const user = await tx.findByEmail(email, { lock: true });
    if (!user || !eligible(user)) return false;
    await tx.update(user.id, codePatch(purpose, hashed, new Date(now.getTime() + ctx.verificationTtlMs)));
    await tx.appendActivity({ user_id: user.id, actor_id: null, action: codeColumns[purpose].issued, changes: null, created_at: now });
    return true;
  });
  if (issued) await ctx.sendCode(email, code, purpose);
}

/**
 * Inside transaction `tx`, with `user` locked: whether `hashed` is the live code of `purpose` (set,
 * unexpired, tries left). A wrong guess at a live code uses up a try and is logged. The caller
 * writes {@link clearedCode} with its change when the code matches.
 */
export async function codeMatches(ctx: ServiceContext, tx: UserRepository, user: UserRecord, purpose: CodePurpose, hashed: string, now: Date): Promise<boolean> {
  const columns = codeColumns[purpose];
  const stored = user[columns.code];
  const expires = user[columns.expires];
  const attempts = user[columns.attempts];
  if (stored === null || expires === null) return false;
  if (attempts >= ctx.maxVerificationAttempts || expires.getTime() <= now.getTime()) return false;
  if (timingSafeEqualString(stored, hashed)) return true;
  await tx.update(user.id, { [columns.attempts]: attempts + 1 });
  await tx.appendActivity({ user_id: user.id, actor_id: null, action: columns.failed, changes: null, created_at: now });
  return false;
}
