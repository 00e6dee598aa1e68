/**
 * The {@link SessionStore} over Kysely (`user_sessions`, migration 4), for PostgreSQL and PGlite.
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { NewSessionRecord, SessionRecord, SessionStore } from '@userkit/core/server';
import type { Database } from './database';
import { mapDatabaseError } from './map-database-error';

const sessionColumns = ['id', 'user_id', 'family_id', 'token_hash', 'created_at', 'last_used_at', 'expires_at', 'user_agent', 'ip', 'revoked_at', 'replaced_by'] as const;

/**
 * Stores sessions in `user_sessions`. Rotation is one conditional UPDATE (the head is replaced
 * only while it is still live and unreplaced) and the INSERT of the new row, in one transaction:
 * of parallel rotations of one token, the database lets exactly one through.
 *
 * @example
 * ```ts
 * const sessions = new KyselySessionStore(db); // or `repository.sessions`
 * const service = new UserService({ repository, mailer, sessions });
 * ```
 */
export class KyselySessionStore implements SessionStore {
  readonly #db: Kysely<Database>;

  /** @param db a Kysely instance (or transaction) over a database migrated by `migrateToLatest`. */
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mapDatabaseError(error);
    }
  }

  insert(session: NewSessionRecord): Promise<SessionRecord> {
    return this.#run(() => this.#db.insertInto('user_sessions').values(session).returning(sessionColumns).executeTakeFirstOrThrow());
  }

  findByTokenHash(tokenHash: string, options: { lock?: boolean } = {}): Promise<SessionRecord | undefined> {
    return this.#run(() =>
      this.#db
        .selectFrom('user_sessions')
        .select(sessionColumns)
        .where('token_hash', '=', tokenHash)
        .$if(options.lock === true && this.#db.isTransaction, (qb) => qb.forUpdate())
        .executeTakeFirst(),
    );
  }

  rotate(id: string, next: NewSessionRecord, now: Date): Promise<SessionRecord | undefined> {
    const work = async (db: Kysely<Database>) => {
      const replaced = await db
        .updateTable('user_sessions')
        .set({ replaced_by: next.id, last_used_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .where('replaced_by', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .executeTakeFirst();
      if (!replaced) return undefined;
      return db.insertInto('user_sessions').values(next).returning(sessionColumns).executeTakeFirstOrThrow();
    };
    return this.#run(() => (this.#db.isTransaction ? work(this.#db) : this.#db.transaction().execute(work)));
  }

  isLive(userId: number, familyId: string, now: Date): Promise<boolean> {
    return this.#run(async () => {
      const row = await this.#db
        .selectFrom('user_sessions')
        .select(sql<number>`1`.as('one'))
        .where('family_id', '=', familyId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('replaced_by', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row !== undefined;
    });
  }

  listLive(userId: number, now: Date): Promise<SessionRecord[]> {
    return this.#run(() =>
      this.#db
        .selectFrom('user_sessions')
        .select(sessionColumns)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('replaced_by', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute(),
    );
  }

  revokeFamily(userId: number, familyId: string, now: Date): Promise<boolean> {
    return this.#run(async () => {
      const rows = await this.#db
        .updateTable('user_sessions')
        .set({ revoked_at: now })
        .where('family_id', '=', familyId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .returning(['replaced_by', 'expires_at'])
        .execute();
      return rows.some((row) => row.replaced_by === null && row.expires_at.getTime() > now.getTime());
    });
  }

  revokeAll(userId: number, now: Date): Promise<number> {
    return this.#run(async () => {
      const result = await this.#db.updateTable('user_sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }

  pruneExpired(now: Date, limit: number): Promise<number> {
    return this.#run(async () => {
      const result = await this.#db
        .deleteFrom('user_sessions')
        .where(sql<SqlBool>`id in (select id from user_sessions where expires_at <= ${now} limit ${limit})`)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}
