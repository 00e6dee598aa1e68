/**
 * The {@link UserRepository} over Kysely, for PostgreSQL (`pg`) and PGlite alike.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { UserkitError, isUserkitError, insertableColumns, patchableColumns, userColumnNames, type CreditTransactionRecord, type ListOptions, type ListUsersQuery, type NewCreditTransactionRecord, type NewUserRecord, type Page, type UserCounts, type UserPage, type UserPatch, type UserRecord } from '@userkit/core';
import { type ActivityRecord, type ActorLookup, type ActorLookupResult, type FindOptions, type NewActivityRecord, type UpdateOptions, type UserRepository } from '@userkit/core/server';
import type { Database } from './database';
import { fromJsonRow, hotQueries, toUserRecord, type UserRow } from './hot-queries';
import { markHotStatement } from './prepared-statements';
import { KyselyUserList } from './kysely-user-list';
import { KyselyActivityLog } from './kysely-activity-log';
import { KyselyCreditLedger } from './kysely-credit-ledger';
import { KyselySessionStore } from './kysely-session-store';
import { countUsers } from './kysely-user-stats';
import { TransactionConflictError, runMapped } from './map-database-error';
import type { PageRequest } from './log-page';
import type { ListFilters } from './user-list-sql';

/** Attempts of a transaction that keeps losing deadlocks or serialization conflicts. */
const maxTransactionAttempts = 3;

/** Every column of a {@link UserRecord}, in table order: the column table of `@userkit/core`. */
const userColumns = userColumnNames;
/** Columns `insert` takes from its input; the others take their database default. */
const insertColumns = insertableColumns;
/** Columns `update` may change. */
const patchColumns = patchableColumns;
/** Rows per multi-row INSERT: well below PostgreSQL's 65535 parameters per statement. */
const batchRows = 1000;


/** The defined values of `source` under `keys`; unknown keys never reach SQL. */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}

/** How emails are stored, and how emails and usernames are compared. */
const lowerTrim = (text: string) => text.trim().toLowerCase();

/**
 * Stores users in PostgreSQL or PGlite through Kysely. Database rules decide uniqueness and the
 * credit floor, also under concurrent writers; their violations surface as `UserkitError`s
 * (EMAIL_TAKEN, USERNAME_TAKEN, INSUFFICIENT_CREDITS), an unreachable database as
 * SERVICE_UNAVAILABLE. Inside {@link transaction} a failed statement aborts the whole transaction:
 * let the error propagate.
 *
 * @example
 * ```ts
 * const repository = new KyselyUserRepository(db);
 * const user = await repository.transaction(async (tx) => {
 *   const created = await tx.insert({ email: 'ada@example.com', password_hash, user_type: 'customer', status: 'active' });
 *   await tx.appendActivity({ user_id: created.id, actor_id: null, action: 'created', changes: null, created_at: new Date() });
 *   return created;
 * });
 * ```
 */
export class KyselyUserRepository implements UserRepository {
  readonly #db: Kysely<Database>;
  /** The sessions (`user_sessions`) over the same connection: inside {@link transaction}, in it. */
  readonly sessions: KyselySessionStore;
  /** The activity-log port's half of the store. */
  readonly #activity: KyselyActivityLog;
  /** The credits-ledger port's half of the store. */
  readonly #ledger: KyselyCreditLedger;
  /** The list and export scans. */
  readonly #list: KyselyUserList;

  /** @param db a Kysely instance (or transaction) over a database migrated by `migrateToLatest`. */
  constructor(db: Kysely<Database>) {
    this.#db = db;
    this.sessions = new KyselySessionStore(db);
    this.#activity = new KyselyActivityLog(db);
    this.#ledger = new KyselyCreditLedger(db);
    this.#list = new KyselyUserList(db);
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    return runMapped(work);
  }

  transaction<T>(fn: (tx: UserRepository) => Promise<T>): Promise<T> {
    return this.#transaction(fn);
  }

  /** {@link transaction} with the repository type kept, for the private batch methods. */
  async #transaction<T>(fn: (tx: KyselyUserRepository) => Promise<T>): Promise<T> {
    if (this.#db.isTransaction) return fn(this);
    // A deadlock or serialization failure rolled everything back: run the whole function again.
    for (let attempt = 1; ; attempt++) {
      let committing = false;
      try {
        return await this.#run(() =>
          this.#db.transaction().execute(async (trx) => {
            const result = await fn(new KyselyUserRepository(trx));
            committing = true;
            return result;
          }),
        );
      } catch (error) {
        if (committing && isUserkitError(error, 'SERVICE_UNAVAILABLE') && !(error instanceof TransactionConflictError)) {
          // The connection died after COMMIT was sent: the server may have applied it.
          throw new UserkitError('SERVICE_UNAVAILABLE', {
            detail: 'The database connection was lost while saving; the change may have been applied. Check before retrying.',
            retryAfter: 5,
            cause: error,
          });
        }
        if (!(error instanceof TransactionConflictError) || attempt >= maxTransactionAttempts) throw error;
      }
    }
  }

  findById(id: number, options: FindOptions = {}): Promise<UserRecord | undefined> {
    if (options.includeDeleted || options.lock) return this.#find((eb) => eb('id', '=', id), options);
    // The hot path (every authenticated request): compiled once per database, not per call.
    return this.#run(async () => {
      const { rows } = await this.#db.executeQuery(hotQueries(this.#db).findById(id));
      const row = rows[0] && fromJsonRow(rows[0]);
      return row && row.deleted_at === null ? toUserRecord(row) : undefined;
    });
  }

  findActor(lookup: ActorLookup): Promise<ActorLookupResult> {
    const { id, sessionId, otherId, now } = lookup;
    return this.#run(async () => {
      if (sessionId === undefined) {
        if (otherId === undefined) return { actor: await this.findById(id), sessionLive: true, other: undefined };
        const rows = await this.findByIds([id, otherId]);
        return { actor: rows.find((r) => r.id === id), sessionLive: true, other: rows.find((r) => r.id === otherId) ?? null };
      }
      const queries = hotQueries(this.#db);
      const query = otherId === undefined || otherId === id ? queries.findActor(id, sessionId, now) : queries.findActorWith(id, otherId, sessionId, now);
      const rows = (await this.#db.executeQuery(query)).rows.map(fromJsonRow);
      const liveRow = (wanted: number) => rows.find((row) => row.id === wanted && row.deleted_at === null);
      const actorRow = liveRow(id);
      const otherRow = otherId === undefined ? undefined : liveRow(otherId);
      const other = otherId === undefined ? undefined : otherRow ? toUserRecord(otherRow) : null;
      // The statement returns the caller only while the session is live; without it, the caller
      // is gone or the session has ended, and one more lookup (on rejected requests only) says which.
      if (!actorRow && !rows.some((row) => row.id === id)) return { actor: await this.findById(id), sessionLive: false, other };
      return { actor: actorRow && toUserRecord(actorRow), sessionLive: actorRow !== undefined, other };
    });
  }

  findByIds(ids: readonly number[]): Promise<UserRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.#run(async () => {
      const { rows } = await this.#db.executeQuery(hotQueries(this.#db).findByIds([...new Set(ids)]));
      return rows.map(fromJsonRow).filter((row) => row.deleted_at === null).map(toUserRecord);
    });
  }

  findByEmail(email: string, options: FindOptions = {}): Promise<UserRecord | undefined> {
    return this.#find((eb) => eb(eb.fn('lower', ['email']), '=', lowerTrim(email)), options);
  }

  #find(where: (eb: ExpressionBuilder<Database, 'users'>) => Expression<SqlBool>, options: FindOptions): Promise<UserRecord | undefined> {
    return this.#run(async () => {
      const row = await this.#db
        .selectFrom('users')
        .select(userColumns)
        .where(where)
        .$if(!options.includeDeleted, (qb) => qb.where('deleted_at', 'is', null))
        .$if(options.lock === true, (qb) => qb.forUpdate())
        .executeTakeFirst();
      return row && toUserRecord(row);
    });
  }

  async insert(user: NewUserRecord): Promise<UserRecord> {
    const [inserted] = await this.#insertRows([user]);
    if (inserted === undefined) throw new Error('users: INSERT returned no row');
    return inserted;
  }

  findByEmails(emails: readonly string[]): Promise<UserRecord[]> {
    return this.#findAny(sql`lower(email)`, emails);
  }

  findByUsernames(usernames: readonly string[]): Promise<UserRecord[]> {
    return this.#findAny(sql`lower(username)`, usernames);
  }

  /** Users, deleted ones included, whose `key` equals one of `values` trimmed and lower-cased. */
  async #findAny(key: RawBuilder<unknown>, values: readonly string[]): Promise<UserRecord[]> {
    if (values.length === 0) return [];
    const wanted = [...new Set(values.map(lowerTrim))];
    return this.#run(async () => {
      const rows = await this.#db
        .selectFrom('users')
        .select(userColumns)
        .where(sql<SqlBool>`${key} = any(cast(${wanted} as text[]))`)
        .orderBy('id')
        .execute();
      return rows.map(toUserRecord);
    });
  }

  insertMany(users: readonly NewUserRecord[]): Promise<UserRecord[]> {
    return this.#transaction(async (tx) => {
      const inserted: UserRecord[] = [];
      for (let i = 0; i < users.length; i += batchRows) {
        inserted.push(...(await tx.#insertRows(users.slice(i, i + batchRows))));
      }
      return inserted;
    });
  }

  /** One multi-row INSERT; returns the rows in the order given. */
  #insertRows(users: readonly NewUserRecord[]): Promise<UserRecord[]> {
    return this.#run(async () => {
      if (users.length === 0) return [];
      const rows = await this.#db
        .insertInto('users')
        .values(
          users.map((user) => ({
            ...pick(user, insertColumns),
            email: lowerTrim(user.email),
            password_hash: user.password_hash,
            user_type: user.user_type,
            status: user.status,
          })),
        )
        .returning(userColumns)
        .execute();
      // Emails are unique, so they put RETURNING (whose order SQL does not promise) back in order.
      const byEmail = new Map(rows.map((row) => [row.email, toUserRecord(row)]));
      return users.map((user) => {
        const record = byEmail.get(lowerTrim(user.email));
        if (record === undefined) throw new Error('users: INSERT returned fewer rows than given');
        return record;
      });
    });
  }

  async update(id: number, patch: UserPatch, options: UpdateOptions = {}): Promise<UserRecord | undefined> {
    const values = pick(patch, patchColumns);
    if (values.email !== undefined) values.email = lowerTrim(values.email);
    const { expectedVersion, activity } = options;
    return this.#run(async () => {
      const update = (db: Kysely<Database>) =>
        db
          .updateTable('users')
          .set({ ...values, version: sql<number>`version + 1` })
          .where('id', '=', id)
          .where('deleted_at', 'is', null)
          .$if(expectedVersion !== undefined, (qb) => qb.where('version', '=', expectedVersion as number))
          .returning(userColumns);
      if (activity === undefined) {
        const row = await update(this.#db).executeTakeFirst();
        return row && toUserRecord(row);
      }
      // The activity entry rides on the UPDATE as a data-modifying CTE: one statement, so one
      // round trip and atomic without a transaction; no updated row, no entry. Its text depends
      // only on the changed columns, so it runs as a prepared statement (parsed and planned once
      // per connection; parsing and planning this CTE cost about as much as running it).
      const statement = this.#db
        .with('updated', (db) => update(db as unknown as Kysely<Database>))
        .with('logged', (db) =>
          db
            .insertInto('user_activity')
            .columns(['user_id', 'actor_id', 'action', 'changes', 'created_at'])
            .expression((eb) =>
              eb
                .selectFrom('updated')
                .select([
                  'updated.id',
                  sql<number | null>`cast(${activity.actor_id} as integer)`.as('actor_id'),
                  sql<string>`cast(${activity.action} as text)`.as('action'),
                  sql<string | null>`cast(${activity.changes === null ? null : JSON.stringify(activity.changes)} as jsonb)`.as('changes'),
                  sql<Date>`cast(${activity.created_at} as timestamptz)`.as('created_at'),
                ]),
            ),
        )
        .selectFrom('updated')
        .select(userColumns)
        .compile();
      markHotStatement(statement.sql);
      const [row] = (await this.#db.executeQuery(statement)).rows;
      return row && toUserRecord(row as UserRow);
    });
  }

  activeSuperAdminIds(options: { lock?: boolean } = {}): Promise<number[]> {
    return this.#run(async () => {
      const rows = await this.#db
        .selectFrom('users')
        .select('id')
        .where('user_type', '=', 'admin')
        .where('is_super_admin', '=', true)
        .where('status', '=', 'active')
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .$if(options.lock === true, (qb) => qb.forUpdate())
        .execute();
      return rows.map((row) => row.id);
    });
  }

  list(query: ListUsersQuery, options: ListOptions = {}): Promise<UserPage<UserRecord>> {
    return this.#list.list(query, options);
  }

  scanUsers(query: ListFilters, batchSize: number): AsyncIterable<UserRecord[]> {
    return this.#list.scan(query, batchSize);
  }

  appendActivity(entry: NewActivityRecord): Promise<ActivityRecord> {
    return this.#activity.append(entry);
  }

  async appendActivities(entries: readonly NewActivityRecord[]): Promise<void> {
    await this.#transaction(async (tx) => {
      for (let i = 0; i < entries.length; i += batchRows) await tx.#activity.insert(entries.slice(i, i + batchRows));
    });
  }

  listActivity(userId: number, page: PageRequest): Promise<Page<ActivityRecord>> {
    return this.#activity.list(userId, page);
  }

  addCredits(id: number, delta: number, updatedAt: Date): Promise<number | undefined> {
    return this.#ledger.addCredits(id, delta, updatedAt);
  }

  insertCreditTransaction(entry: NewCreditTransactionRecord): Promise<CreditTransactionRecord> {
    return this.#ledger.insert(entry);
  }

  findCreditTransaction(userId: number, idempotencyKey: string): Promise<CreditTransactionRecord | undefined> {
    return this.#ledger.find(userId, idempotencyKey);
  }

  listCreditTransactions(userId: number, page: PageRequest): Promise<Page<CreditTransactionRecord>> {
    return this.#ledger.list(userId, page);
  }

  countUsers(since: Date): Promise<UserCounts> {
    return countUsers(this.#db, since);
  }

  ping(): Promise<void> {
    return this.#run(async () => {
      await sql`select 1`.execute(this.#db);
    });
  }
}
