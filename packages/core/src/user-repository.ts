/**
 * The storage port. Implementations: `KyselyUserRepository` (PostgreSQL, PGlite) in
 * `@userkit/kysely` and {@link MemoryUserRepository} here. All of them run one conformance suite.
 */
import type { ListOptions, ListUsersQuery, Page, UserPage } from './list-query-schema';
import type { CreditTransactionRecord, NewCreditTransactionRecord, UserCounts } from './ledger-schema';
import type { NewUserRecord, UserPatch, UserRecord } from './user-record';
import type { SessionStore } from './session-store';

/** Options of lookups. */
export interface FindOptions {
  /** Also return a soft-deleted user. Default false. */
  includeDeleted?: boolean;
  /**
   * Lock the row until the surrounding transaction ends (`SELECT … FOR UPDATE`), so a
   * read-check-write sequence cannot interleave with another writer. Only meaningful inside
   * {@link UserRepository.transaction}.
   */
  lock?: boolean;
}

/** An entry of the activity log (`user_activity`). `changes` never holds a secret. */
export interface ActivityRecord {
  id: number;
  user_id: number;
  actor_id: number | null;
  action: string;
  changes: Record<string, unknown> | null;
  created_at: Date;
}

export type NewActivityRecord = Omit<ActivityRecord, 'id'>;

/** Options of {@link UserRepository.update}. */
export interface UpdateOptions {
  /** Update only when the stored `version` equals this. */
  expectedVersion?: number | undefined;
  /** An activity entry of the updated user, written with the update or not at all. */
  activity?: Omit<NewActivityRecord, 'user_id'> | undefined;
}

/** What {@link UserRepository.findActor} looks up: the caller, its session, and maybe a target. */
export interface ActorLookup {
  /** The caller's user id. */
  id: number;
  /** The session (family id) the caller's access token names, if any. */
  sessionId?: string | undefined;
  /** Another live user to load in the same round trip (the target of a read). */
  otherId?: number | undefined;
  /** What "live" is measured against (session expiry). */
  now: Date;
}

/** What {@link UserRepository.findActor} finds. */
export interface ActorLookupResult {
  /** The live caller, or undefined when missing or deleted. */
  actor: UserRecord | undefined;
  /** Whether `sessionId` names a live session of the caller (true when no session was asked about). */
  sessionLive: boolean;
  /** The other user: null when missing or deleted, undefined when not asked for. */
  other: UserRecord | null | undefined;
}

/**
 * Reads and writes users. Every method either completes or throws; none leaves a partial write.
 *
 * Errors: a uniqueness violation throws `UserkitError('EMAIL_TAKEN')` or
 * `UserkitError('USERNAME_TAKEN')`, also when two writers race (the database decides); an
 * unreachable store throws `UserkitError('SERVICE_UNAVAILABLE')`. Emails and usernames are
 * compared case-insensitively; soft-deleted users keep theirs reserved.
 */
export interface UserRepository {
  /**
   * Runs `fn` in one transaction. Everything done through the `tx` repository it receives commits
   * together when `fn` resolves, or not at all when it throws (the error is rethrown). Calling
   * `transaction` on `tx` again runs inside the same transaction.
   */
  transaction<T>(fn: (tx: UserRepository) => Promise<T>): Promise<T>;

  /**
   * Optional: the sessions stored beside the users (`user_sessions`). The one a transaction's `tx`
   * hands out takes part in that transaction. A repository without it leaves the service to a
   * `sessions` option (or an in-process store): see docs/sessions.md.
   */
  readonly sessions?: SessionStore | undefined;

  /**
   * Optional: the per-request lookup of the caller, its session's live state, and optionally a
   * target user, in ONE round trip (the SQL repository: one prepared statement). Without it the
   * service runs {@link findById}/{@link findByIds} and asks the session store separately.
   */
  findActor?(lookup: ActorLookup): Promise<ActorLookupResult>;

  /** The user with this id, or undefined. Soft-deleted users only with `includeDeleted`. */
  findById(id: number, options?: FindOptions): Promise<UserRecord | undefined>;

  /**
   * The live (not soft-deleted) users among these ids, in one round trip, in any order; ids with
   * no live user are simply absent. The request handler loads the caller and the target of a
   * read together with it.
   */
  findByIds(ids: readonly number[]): Promise<UserRecord[]>;

  /** The user with this email (compared lower-cased and trimmed), or undefined. */
  findByEmail(email: string, options?: FindOptions): Promise<UserRecord | undefined>;

  /**
   * Inserts a user; `id` comes from the database, `version` starts at 1, `credits` at 0.
   * Stores `email` trimmed and lower-cased. Throws EMAIL_TAKEN / USERNAME_TAKEN.
   */
  insert(user: NewUserRecord): Promise<UserRecord>;

  /** Users (live or soft-deleted: their emails stay reserved) with any of these emails (lower-cased). */
  findByEmails(emails: readonly string[]): Promise<UserRecord[]>;

  /** Users (live or soft-deleted) with any of these usernames, compared case-insensitively. */
  findByUsernames(usernames: readonly string[]): Promise<UserRecord[]>;

  /**
   * Inserts many users at once (the import), with the semantics of {@link insert} for each; the
   * whole call fails on the first uniqueness violation. Returns them in the order given.
   */
  insertMany(users: readonly NewUserRecord[]): Promise<UserRecord[]>;

  /**
   * Applies `patch` to a live (not deleted) user and bumps `version` by one.
   * With `expectedVersion`, only when the stored version equals it. With `activity`, appends that
   * entry to the user's activity log atomically with the update (in the same statement or
   * transaction, even when called outside {@link transaction}), and only when the update happened.
   * Returns the updated user, or undefined when no row matched (missing, deleted, or version
   * mismatch; then nothing is written). Throws EMAIL_TAKEN / USERNAME_TAKEN.
   */
  update(id: number, patch: UserPatch, options?: UpdateOptions): Promise<UserRecord | undefined>;

  /**
   * Ids of the active super admins (admin, super admin, status active, not deleted). With `lock`,
   * their rows stay locked until the transaction ends, so two transactions that each demote one
   * super admin cannot both see the other as remaining.
   */
  activeSuperAdminIds(options?: { lock?: boolean }): Promise<number[]>;

  /**
   * One page of live users matching `query`, ordered by `query.sort` then id, after
   * `query.cursor` (opaque, made by this method), with the number of users that match the
   * filters counted up to `options.totalCap` (default `defaultListTotalCap`, 1000): `total` is
   * `min(matches, totalCap)` and `total_capped` says whether more match.
   */
  list(query: ListUsersQuery, options?: ListOptions): Promise<UserPage<UserRecord>>;

  /**
   * Every live user matching the filters of `query`, in its sort order, in batches of at most
   * `batchSize` rows (keyset-paginated under the hood: memory stays constant however many rows).
   */
  scanUsers(query: Omit<ListUsersQuery, 'cursor' | 'limit'>, batchSize: number): AsyncIterable<UserRecord[]>;

  /** Appends an entry to the activity log. */
  appendActivity(entry: NewActivityRecord): Promise<ActivityRecord>;

  /** Appends many entries at once (the import). */
  appendActivities(entries: readonly NewActivityRecord[]): Promise<void>;

  /**
   * The activity of one user, newest first (by id), `limit` entries after `cursor` (opaque, made
   * by this method; `next_cursor` is null on the last page).
   */
  listActivity(userId: number, page: { cursor?: string | undefined; limit: number }): Promise<Page<ActivityRecord>>;

  /**
   * Adds `delta` to a live user's credits and bumps `version`; returns the new balance. The
   * store refuses a negative balance (a CHECK constraint on SQL stores) with INSUFFICIENT_CREDITS,
   * also under concurrent calls. Returns undefined for a missing or deleted user.
   */
  addCredits(id: number, delta: number, updatedAt: Date): Promise<number | undefined>;

  /** Appends a ledger row. */
  insertCreditTransaction(entry: NewCreditTransactionRecord): Promise<CreditTransactionRecord>;

  /** The ledger row a user's earlier adjustment with this idempotency key made, if any. */
  findCreditTransaction(userId: number, idempotencyKey: string): Promise<CreditTransactionRecord | undefined>;

  /** A user's ledger, newest first (by id), keyset-paginated like {@link listActivity}. */
  listCreditTransactions(userId: number, page: { cursor?: string | undefined; limit: number }): Promise<Page<CreditTransactionRecord>>;

  /** Counts of live users for the statistics; signups counted from `since`. */
  countUsers(since: Date): Promise<UserCounts>;

  /** Resolves when the store answers; throws SERVICE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
}
