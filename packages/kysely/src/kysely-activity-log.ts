/**
 * The activity-log half of the Kysely store (`user_activity`): append-only, read newest first.
 * {@link KyselyUserRepository} delegates its activity methods here.
 */
import type { Kysely } from 'kysely';
import type { ActivityRecord, NewActivityRecord } from '@userkit/core/server';
import type { Page } from '@userkit/core';
import type { Database } from './database';
import { readLogPage, type PageRequest } from './log-page';
import { runMapped } from './map-database-error';

const activityColumns = ['id', 'user_id', 'actor_id', 'action', 'changes', 'created_at'] as const;

/** Activity entries of users in one database (or transaction). */
export class KyselyActivityLog {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Appends one entry and returns it with its id. */
  async append(entry: NewActivityRecord): Promise<ActivityRecord> {
    const [row] = await this.insert([entry]);
    if (row === undefined) throw new Error('user_activity: INSERT returned no row');
    return row;
  }

  /** Inserts entries in one statement (callers batch them). */
  insert(entries: readonly NewActivityRecord[]): Promise<ActivityRecord[]> {
    return runMapped(async () => {
      if (entries.length === 0) return [];
      const rows = await this.#db
        .insertInto('user_activity')
        .values(
          entries.map((entry) => ({
            user_id: entry.user_id,
            actor_id: entry.actor_id,
            action: entry.action,
            changes: entry.changes === null ? null : JSON.stringify(entry.changes),
            created_at: entry.created_at,
          })),
        )
        .returning(activityColumns)
        .execute();
      return rows.map((row) => ({ ...row, id: Number(row.id) }));
    });
  }

  /** One page of a user's activity, newest first. */
  list(userId: number, page: PageRequest): Promise<Page<ActivityRecord>> {
    return readLogPage(page, 'activity', (before, take) =>
      this.#db.selectFrom('user_activity').select(activityColumns).where('user_id', '=', userId).where((eb) => (before === undefined ? eb.and([]) : eb('id', '<', before))).orderBy('id', 'desc').limit(take).execute(),
    );
  }
}
