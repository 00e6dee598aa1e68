/**
 * Credits: adjustments by admins, grants and spends by backend jobs, and the ledger. The balance
 * never goes below zero, also under parallel spends, and an idempotency key applies an
 * adjustment once.
 */
import { UserkitError } from '../errors';
import {
  creditAdjustmentSchema,
  idempotencyKeySchema,
  pageQuerySchema,
  type CreditAdjustmentInput,
  type CreditAdjustmentResult,
  type CreditPage,
  type CreditTransaction,
  type CreditTransactionRecord,
  type PageQueryInput,
} from '../ledger-schema';
import { parseInput } from '../validation';
import type { ServiceContext } from './service-context';
import { loadTarget, type Actor } from './target-access';

/** The largest balance: the `credits` column is a 32-bit integer. */
const maxCredits = 2_147_483_647;

/** The credit ledger of every user. */
export class CreditLedger {
  readonly #ctx: ServiceContext;

  constructor(context: ServiceContext) {
    this.#ctx = context;
  }

  /** Adjusts a user's credits on behalf of an admin (see {@link UserService.adjustCredits}). */
  async adjustCredits(actor: Actor, id: number, input: CreditAdjustmentInput, options: { idempotencyKey?: string | undefined } = {}): Promise<CreditAdjustmentResult> {
    const { amount, reason } = parseInput(creditAdjustmentSchema, input);
    const key = options.idempotencyKey === undefined ? undefined : parseInput(idempotencyKeySchema, options.idempotencyKey, 'The Idempotency-Key header is invalid');
    return this.#apply(id, amount, reason, key, actor);
  }

  /** Grants credits from a backend job (no actor). */
  grantCredits(userId: number, amount: number, reason: string, options: { idempotencyKey?: string } = {}): Promise<CreditAdjustmentResult> {
    const parsed = parseInput(creditAdjustmentSchema, { amount, reason });
    if (parsed.amount < 0) throw new UserkitError('VALIDATION_ERROR', { detail: 'Grant a positive amount', errors: [{ path: 'amount', message: 'Must be positive', code: 'too_small' }] });
    return this.#apply(userId, parsed.amount, parsed.reason, options.idempotencyKey, undefined);
  }

  /** Spends credits from a backend job: INSUFFICIENT_CREDITS when the balance does not cover it. */
  spendCredits(userId: number, amount: number, reason: string, options: { idempotencyKey?: string } = {}): Promise<CreditAdjustmentResult> {
    const parsed = parseInput(creditAdjustmentSchema, { amount, reason });
    if (parsed.amount < 0) throw new UserkitError('VALIDATION_ERROR', { detail: 'Spend a positive amount', errors: [{ path: 'amount', message: 'Must be positive', code: 'too_small' }] });
    return this.#apply(userId, -parsed.amount, parsed.reason, options.idempotencyKey, undefined);
  }

  /** The balance and the ledger of a user, newest first (self or admin). */
  async listCredits(actor: Actor, id: number, query: PageQueryInput = {}): Promise<CreditPage> {
    const page = parseInput(pageQuerySchema, query, 'The query has invalid parameters');
    const target = await loadTarget(this.#ctx.repository, actor, id, 'credits.read');
    const result = await this.#ctx.repository.listCreditTransactions(id, page);
    return { credits: target.credits, items: result.items.map(toPublicCreditTransaction), next_cursor: result.next_cursor };
  }

  async #apply(id: number, amount: number, reason: string, key: string | undefined, actor: Actor | undefined): Promise<CreditAdjustmentResult> {
    const now = this.#ctx.clock.now();
    let applied = false;
    const result = await this.#ctx.repository.transaction(async (tx) => {
      // The row lock serialises every adjustment of this user: parallel spends are exact and a
      // retried idempotency key is seen by the retry.
      const target = actor ? await loadTarget(tx, actor, id, 'credits.adjust', { lock: true }) : await tx.findById(id, { lock: true });
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
      applied = true;
      return { credits: balance, transaction: toPublicCreditTransaction(transaction) };
    });
    // A replayed idempotency key changed nothing: no event.
    if (applied) this.#ctx.emit('credits.changed', { userId: id, actorId: actor?.id ?? null, amount, balance: result.credits, reason, transactionId: result.transaction.id });
    return result;
  }
}

function toPublicCreditTransaction(record: CreditTransactionRecord): CreditTransaction {
  return { ...record, created_at: record.created_at.toISOString() };
}
