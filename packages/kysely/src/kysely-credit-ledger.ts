/**
 * The credits half of the Kysely store: the balance on `users` and the `credit_transactions`
 * ledger. {@link KyselyUserRepository} delegates its credit methods here.
 */
import { sql, type Kysely } from 'kysely';
import type { CreditTransactionRecord, NewCreditTransactionRecord, Page } from '@userkit/core';
import type { Database } from './database';
import { readLogPage, type PageRequest } from './log-page';
import { runMapped } from './map-database-error';

const ledgerColumns = ['id', 'user_id', 'actor_id', 'amount', 'balance_after', 'reason', 'idempotency_key', 'created_at'] as const;

/** Credit balances and their ledger in one database (or transaction). */
export class KyselyCreditLedger {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Adds `delta` to a live user's credits (the database refuses a negative balance); the new balance. */
  addCredits(id: number, delta: number, updatedAt: Date): Promise<number | undefined> {
    return runMapped(async () => {
      const row = await this.#db
        .updateTable('users')
        .set({ credits: sql<number>`credits + ${delta}`, version: sql<number>`version + 1`, updated_at: updatedAt })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returning('credits')
        .executeTakeFirst();
      return row?.credits;
    });
  }

  /** Records one transaction of the ledger. */
  insert(entry: NewCreditTransactionRecord): Promise<CreditTransactionRecord> {
    return runMapped(async () => {
      const row = await this.#db
        .insertInto('credit_transactions')
        .values({
          user_id: entry.user_id,
          actor_id: entry.actor_id,
          amount: entry.amount,
          balance_after: entry.balance_after,
          reason: entry.reason,
          idempotency_key: entry.idempotency_key,
          created_at: entry.created_at,
        })
        .returning(ledgerColumns)
        .executeTakeFirstOrThrow();
      return { ...row, id: Number(row.id) };
    });
  }

  /** The transaction a user's idempotency key recorded, if any. */
  find(userId: number, idempotencyKey: string): Promise<CreditTransactionRecord | undefined> {
    return runMapped(async () => {
      const row = await this.#db
        .selectFrom('credit_transactions')
        .select(ledgerColumns)
        .where('user_id', '=', userId)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      return row && { ...row, id: Number(row.id) };
    });
  }

  /** One page of a user's transactions, newest first. */
  list(userId: number, page: PageRequest): Promise<Page<CreditTransactionRecord>> {
    return readLogPage(page, 'credits', (before, take) =>
      this.#db.selectFrom('credit_transactions').select(ledgerColumns).where('user_id', '=', userId).where((eb) => (before === undefined ? eb.and([]) : eb('id', '<', before))).orderBy('id', 'desc').limit(take).execute(),
    );
  }
}
