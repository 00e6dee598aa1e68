/**
 * The routes of credits (docs/api.md#credits-and-activity), spread into the contract: adjusting a balance and
 * reading the ledger. Declared apart, like the session routes; same shape, same rules.
 */
import type { RouteSpec } from './contract';
import { creditAdjustmentResultSchema, creditAdjustmentSchema, creditPageSchema } from './ledger-schema';
import { onUser, userLog } from './route-parts';

/** The credit routes, tagged `credits`. */
export const creditRoutes = {
  adjustCredits: onUser('POST', '/users/:id/credits', {
    access: 'admin',
    tag: 'credits',
    summary: 'Adjust credits',
    description: 'Adds a non-zero amount (negative to spend). With `Idempotency-Key`, a retry applies once. The balance never goes below zero.',
    body: creditAdjustmentSchema,
    headers: { idempotencyKey: true },
    success: { status: 200, schema: creditAdjustmentResultSchema },
    errors: ['INSUFFICIENT_CREDITS'],
  }),
  listCredits: userLog('/users/:id/credits', 'credits', creditPageSchema, {
    summary: 'Balance and ledger',
    description: 'The balance and the transactions, newest first, keyset-paginated.',
  }),
} as const satisfies Record<string, RouteSpec>;
