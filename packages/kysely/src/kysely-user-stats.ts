/**
 * The statistics half of the Kysely store: live users counted by type, status, lead status and
 * verification, credits summed, and sign-ups per UTC day since a date.
 */
import { sql, type Kysely } from 'kysely';
import type { UserCounts } from '@userkit/core';
import type { Database } from './database';
import { runMapped } from './map-database-error';

/** Counts the live users of one database (or transaction) in two grouped queries. */
export function countUsers(db: Kysely<Database>, since: Date): Promise<UserCounts> {
  return runMapped(async () => {
    const live = db.selectFrom('users').where('deleted_at', 'is', null);
    const [groups, days] = await Promise.all([
      live
        .select((eb) => [
          'user_type',
          'status',
          'lead_status',
          'email_verified',
          eb.fn.countAll<number | string>().as('count'),
          eb.fn.sum<number | string>('credits').as('credits'),
        ])
        .groupBy(['user_type', 'status', 'lead_status', 'email_verified'])
        .execute(),
      live
        .select((eb) => [sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`.as('day'), eb.fn.countAll<number | string>().as('count')])
        .where('created_at', '>=', since)
        .groupBy(sql`1`)
        .execute(),
    ]);
    const counts: UserCounts = { total: 0, byUserType: {}, byStatus: {}, byLeadStatus: {}, verified: 0, signupsPerDay: {}, credits: 0 };
    const add = (map: Record<string, number>, key: string, n: number) => (map[key] = (map[key] ?? 0) + n);
    for (const group of groups) {
      const n = Number(group.count);
      counts.total += n;
      add(counts.byUserType, group.user_type, n);
      add(counts.byStatus, group.status, n);
      add(counts.byLeadStatus, group.lead_status ?? 'none', n);
      if (group.email_verified) counts.verified += n;
      counts.credits += Number(group.credits);
    }
    for (const day of days) counts.signupsPerDay[day.day] = Number(day.count);
    return counts;
  });
}
