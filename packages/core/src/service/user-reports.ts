/**
 * Reports: a user's activity log and the totals of the stats page.
 */
import { assertAllowed, authorizeCollection } from '../role-policy';
import { pageQuerySchema, type Activity, type ActivityPage, type PageQueryInput, type UserStats } from '../ledger-schema';
import { leadStatuses, userStatuses, userTypes } from '../user-field-schemas';
import type { ActivityRecord } from '../user-repository';
import { parseInput } from '../validation';
import type { ServiceContext } from './service-context';
import { loadTarget, type Actor } from './target-access';

const day = 86_400_000;

/** Activity and statistics. */
export class UserReports {
  readonly #ctx: ServiceContext;

  constructor(context: ServiceContext) {
    this.#ctx = context;
  }

  /** The activity of a user, newest first (self or admin). */
  async listActivity(actor: Actor, id: number, query: PageQueryInput = {}): Promise<ActivityPage> {
    const page = parseInput(pageQuerySchema, query, 'The query has invalid parameters');
    await loadTarget(this.#ctx.repository, actor, id, 'activity.read');
    const result = await this.#ctx.repository.listActivity(id, page);
    return { items: result.items.map(toPublicActivity), next_cursor: result.next_cursor };
  }

  /** Totals, signups per day for the last 30 days, and credits in circulation (admins only). */
  async stats(actor: Actor): Promise<UserStats> {
    assertAllowed(authorizeCollection(actor, 'stats'));
    const now = this.#ctx.clock.now();
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const since = new Date(today - 29 * day);
    const counts = await this.#ctx.repository.countUsers(since);
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
}

function toPublicActivity(record: ActivityRecord): Activity {
  return { ...record, created_at: record.created_at.toISOString() };
}
