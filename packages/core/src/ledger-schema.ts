/**
 * Schemas of the credits ledger, the activity log and the statistics (docs/data-model.md#credit_transactions, docs/api.md#credits-and-activity), and the
 * records repositories return for them.
 */
import * as z from 'zod';
import { storableText } from './storable-text';
import { leadStatuses, userStatuses, userTypes } from './user-schema';
import { pageParams, strictParams } from './list-query-schema';

const isoDate = z.iso.datetime({ offset: true });

/** `POST /users/{id}/credits`: a non-zero whole amount and a reason. */
export const creditAdjustmentSchema = z.strictObject(
  {
    amount: z
      .number({ error: 'Amount must be a number' })
      .int({ error: 'Amount must be a whole number' })
      .min(-1_000_000_000, { error: 'Amount is too small' })
      .max(1_000_000_000, { error: 'Amount is too large' })
      .refine((n) => n !== 0, { error: 'Amount must not be zero' }),
    reason: z.string({ error: 'Reason is required' }).trim().min(1, { error: 'Reason is required' }).max(500, { error: 'Reason must be at most 500 characters' }).regex(storableText, { error: 'Reason must not contain NUL characters or broken Unicode' }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `Unknown field: ${issue.keys.join(', ')}` : undefined) },
);
export type CreditAdjustmentInput = z.input<typeof creditAdjustmentSchema>;

/** The `Idempotency-Key` header: printable ASCII, 1 to 200 characters. */
export const idempotencyKeySchema = z
  .string()
  .min(1, { error: 'Idempotency-Key must not be empty' })
  .max(200, { error: 'Idempotency-Key must be at most 200 characters' })
  .regex(/^[\x21-\x7e]+$/, { error: 'Idempotency-Key must be printable ASCII without spaces' });

/** Keyset page query of the ledger and activity routes. */
export const pageQuerySchema = z.strictObject({ ...pageParams }, strictParams);
export type PageQueryInput = z.input<typeof pageQuerySchema>;

export const creditTransactionSchema = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  actor_id: z.number().int().nullable(),
  amount: z.number().int(),
  balance_after: z.number().int(),
  reason: z.string(),
  idempotency_key: z.string().nullable(),
  created_at: isoDate,
});
export type CreditTransaction = z.infer<typeof creditTransactionSchema>;

export const creditAdjustmentResultSchema = z.object({ credits: z.number().int(), transaction: creditTransactionSchema });
export type CreditAdjustmentResult = z.infer<typeof creditAdjustmentResultSchema>;

export const creditPageSchema = z.object({ credits: z.number().int(), items: z.array(creditTransactionSchema), next_cursor: z.string().nullable() });
export type CreditPage = z.infer<typeof creditPageSchema>;

export const activitySchema = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  actor_id: z.number().int().nullable(),
  action: z.string(),
  changes: z.record(z.string(), z.unknown()).nullable(),
  created_at: isoDate,
});
export type Activity = z.infer<typeof activitySchema>;
export const activityPageSchema = z.object({ items: z.array(activitySchema), next_cursor: z.string().nullable() });
export type ActivityPage = z.infer<typeof activityPageSchema>;

const countsOf = <T extends readonly string[]>(keys: T) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as { [K in T[number]]: z.ZodNumber });

/** `GET /users/stats`. Soft-deleted users are not counted. */
export const userStatsSchema = z.object({
  total: z.number().int(),
  by_user_type: countsOf(userTypes),
  by_status: countsOf(userStatuses),
  by_lead_status: countsOf([...leadStatuses, 'none'] as const),
  email_verified: z.object({ verified: z.number().int(), unverified: z.number().int() }),
  /** One entry per UTC day, oldest first, the last 30 days including today; zero days included. */
  signups_per_day: z.array(z.object({ date: z.iso.date(), count: z.number().int() })),
  credits_in_circulation: z.number().int(),
});
export type UserStats = z.infer<typeof userStatsSchema>;

/** A ledger row as stored. */
export interface CreditTransactionRecord {
  id: number;
  user_id: number;
  actor_id: number | null;
  amount: number;
  balance_after: number;
  reason: string;
  idempotency_key: string | null;
  created_at: Date;
}
export type NewCreditTransactionRecord = Omit<CreditTransactionRecord, 'id'>;

/** What a repository counts for the statistics. */
export interface UserCounts {
  total: number;
  byUserType: Record<string, number>;
  byStatus: Record<string, number>;
  /** `null` lead status counted under the key `none`. */
  byLeadStatus: Record<string, number>;
  verified: number;
  /** Signups per UTC day (`YYYY-MM-DD`) since the given instant; days without signups may be absent. */
  signupsPerDay: Record<string, number>;
  credits: number;
}
