/**
 * An in-memory {@link UserRepository} with the semantics of the database one: case-insensitive
 * unique email and username (soft-deleted users keep theirs), credits never below zero, atomic
 * transactions. It backs the mock API and fast unit tests.
 */
import { decodeCursor, encodeCursor, type CursorValue } from './cursor';
import { UserkitError } from './errors';
import type { CreditTransactionRecord, NewCreditTransactionRecord, UserCounts } from './ledger-schema';
import { defaultListTotalCap, type ListOptions, type ListUsersQuery, type Page, type UserPage } from './list-query-schema';
import { isActiveSuperAdmin, withColumnDefaults, type NewUserRecord, type UserPatch, type UserRecord } from './user-record';
import type { ActivityRecord, ActorLookup, ActorLookupResult, FindOptions, NewActivityRecord, UpdateOptions, UserRepository } from './user-repository';
import { MemorySessionStore } from './memory-session-store';
import type { SessionRecord, SessionStore } from './session-store';

interface State {
  users: Map<number, UserRecord>;
  activity: ActivityRecord[];
  ledger: CreditTransactionRecord[];
  sessions: Map<string, SessionRecord>;
  nextUserId: number;
  nextActivityId: number;
  nextLedgerId: number;
}

/** The data behind one or more repositories, with the lock that serialises transactions. */
class MemoryStore {
  state: State = { users: new Map(), activity: [], ledger: [], sessions: new Map(), nextUserId: 1, nextActivityId: 1, nextLedgerId: 1 };
  #tail: Promise<void> = Promise.resolve();

  /** Runs `fn` alone: no other top-level operation interleaves with it. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

const clone = <T>(value: T): T => structuredClone(value);
const lower = (value: string) => value.trim().toLowerCase();

/**
 * @example
 * ```ts
 * const repository = new MemoryUserRepository();
 * const service = new UserService({ repository, mailer: new MemoryMailer() });
 * ```
 */
export class MemoryUserRepository implements UserRepository {
  readonly #store: MemoryStore;
  readonly #inTransaction: boolean;
  /** The sessions, in the same state (and transactions) as the users. */
  readonly sessions: SessionStore;

  constructor(store: MemoryStore = new MemoryStore(), inTransaction = false) {
    this.#store = store;
    this.#inTransaction = inTransaction;
    this.sessions = new MemorySessionStore((fn) => this.#run((state) => fn(state.sessions)));
  }

  async transaction<T>(fn: (tx: UserRepository) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return fn(this);
    return this.#store.exclusive(async () => {
      const snapshot = clone(this.#store.state);
      try {
        return await fn(new MemoryUserRepository(this.#store, true));
      } catch (error) {
        this.#store.state = snapshot;
        throw error;
      }
    });
  }

  /** Runs a single operation: alone when outside a transaction, directly inside one. */
  #run<T>(fn: (state: State) => T): Promise<T> {
    if (this.#inTransaction) return Promise.resolve().then(() => fn(this.#store.state));
    return this.#store.exclusive(async () => fn(this.#store.state));
  }

  findById(id: number, options: FindOptions = {}): Promise<UserRecord | undefined> {
    return this.#run((state) => {
      const user = state.users.get(id);
      return user && (options.includeDeleted || user.deleted_at === null) ? clone(user) : undefined;
    });
  }

  findActor(lookup: ActorLookup): Promise<ActorLookupResult> {
    return this.#run((state) => {
      const liveUser = (id: number) => {
        const user = state.users.get(id);
        return user && user.deleted_at === null ? clone(user) : undefined;
      };
      const now = lookup.now.getTime();
      const sessionLive =
        lookup.sessionId === undefined ||
        [...state.sessions.values()].some(
          (s) => s.family_id === lookup.sessionId && s.user_id === lookup.id && s.revoked_at === null && s.replaced_by === null && s.expires_at.getTime() > now,
        );
      return { actor: liveUser(lookup.id), sessionLive, other: lookup.otherId === undefined ? undefined : (liveUser(lookup.otherId) ?? null) };
    });
  }

  findByIds(ids: readonly number[]): Promise<UserRecord[]> {
    return this.#run((state) =>
      [...new Set(ids)].flatMap((id) => {
        const user = state.users.get(id);
        return user && user.deleted_at === null ? [clone(user)] : [];
      }),
    );
  }

  findByEmail(email: string, options: FindOptions = {}): Promise<UserRecord | undefined> {
    const wanted = lower(email);
    return this.#run((state) => {
      for (const user of state.users.values()) {
        if (user.email === wanted && (options.includeDeleted || user.deleted_at === null)) return clone(user);
      }
      return undefined;
    });
  }

  insert(values: NewUserRecord): Promise<UserRecord> {
    return this.#run((state) => {
      // The column table's initial values stand in for the database's column defaults.
      const user: UserRecord = { ...clone(withColumnDefaults(values, new Date())), id: state.nextUserId, email: lower(values.email) };
      checkConstraints(user);
      assertUnique(state, user);
      state.nextUserId++;
      state.users.set(user.id, user);
      return clone(user);
    });
  }

  findByEmails(emails: readonly string[]): Promise<UserRecord[]> {
    const wanted = new Set(emails.map(lower));
    return this.#run((state) => [...state.users.values()].filter((u) => wanted.has(u.email)).map(clone));
  }

  findByUsernames(usernames: readonly string[]): Promise<UserRecord[]> {
    const wanted = new Set(usernames.map(lower));
    return this.#run((state) => [...state.users.values()].filter((u) => u.username !== null && wanted.has(lower(u.username))).map(clone));
  }

  async insertMany(users: readonly NewUserRecord[]): Promise<UserRecord[]> {
    return this.transaction(async (tx) => {
      const out: UserRecord[] = [];
      for (const user of users) out.push(await tx.insert(user));
      return out;
    });
  }

  update(id: number, patch: UserPatch, options: UpdateOptions = {}): Promise<UserRecord | undefined> {
    return this.#run((state) => {
      const current = state.users.get(id);
      if (!current || current.deleted_at !== null) return undefined;
      if (options.expectedVersion !== undefined && current.version !== options.expectedVersion) return undefined;
      const next: UserRecord = { ...current, ...clone(patch), id, version: current.version + 1 };
      next.email = lower(next.email);
      checkConstraints(next);
      assertUnique(state, next);
      state.users.set(id, next);
      if (options.activity) state.activity.push({ ...clone(options.activity), user_id: id, id: state.nextActivityId++ });
      return clone(next);
    });
  }

  activeSuperAdminIds(): Promise<number[]> {
    return this.#run((state) => [...state.users.values()].filter(isActiveSuperAdmin).map((u) => u.id));
  }

  list(query: ListUsersQuery, options: ListOptions = {}): Promise<UserPage<UserRecord>> {
    const cap = options.totalCap ?? defaultListTotalCap;
    return this.#run((state) => {
      const descending = query.sort.startsWith('-');
      const key = (descending ? query.sort.slice(1) : query.sort) as SortColumn;
      const matching = [...state.users.values()].filter((user) => matches(user, query));
      const sign = descending ? -1 : 1;
      matching.sort((a, b) => sign * (compareValues(sortValue(a, key), sortValue(b, key)) || a.id - b.id));
      let rows = matching;
      if (query.cursor !== undefined) {
        const after = decodeCursor(query.cursor, query.sort);
        rows = matching.filter((user) => sign * (compareValues(sortValue(user, key), after.value) || user.id - after.id) > 0);
      }
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(clone),
        next_cursor: rows.length > query.limit && last ? encodeCursor(query.sort, sortValue(last, key), last.id) : null,
        total: Math.min(matching.length, cap),
        total_capped: matching.length > cap,
      };
    });
  }

  async appendActivities(entries: readonly NewActivityRecord[]): Promise<void> {
    await this.transaction(async (tx) => {
      for (const entry of entries) await tx.appendActivity(entry);
    });
  }

  async *scanUsers(query: Omit<ListUsersQuery, 'cursor' | 'limit'>, batchSize: number): AsyncIterable<UserRecord[]> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.list({ ...query, limit: batchSize, ...(cursor === undefined ? {} : { cursor }) });
      if (page.items.length > 0) yield page.items;
      if (page.next_cursor === null) return;
      cursor = page.next_cursor;
    }
  }

  appendActivity(entry: NewActivityRecord): Promise<ActivityRecord> {
    return this.#run((state) => {
      if (!state.users.has(entry.user_id)) throw new Error(`user_activity: no user ${entry.user_id}`);
      const record: ActivityRecord = { ...clone(entry), id: state.nextActivityId++ };
      state.activity.push(record);
      return clone(record);
    });
  }

  listActivity(userId: number, page: { cursor?: string | undefined; limit: number }): Promise<Page<ActivityRecord>> {
    return this.#run((state) => newestFirst(state.activity, userId, page, 'activity'));
  }

  addCredits(id: number, delta: number, updatedAt: Date): Promise<number | undefined> {
    return this.#run((state) => {
      const current = state.users.get(id);
      if (!current || current.deleted_at !== null) return undefined;
      const next = { ...current, credits: current.credits + delta, version: current.version + 1, updated_at: new Date(updatedAt) };
      checkConstraints(next);
      state.users.set(id, next);
      return next.credits;
    });
  }

  insertCreditTransaction(entry: NewCreditTransactionRecord): Promise<CreditTransactionRecord> {
    return this.#run((state) => {
      if (!state.users.has(entry.user_id)) throw new Error(`credit_transactions: no user ${entry.user_id}`);
      if (entry.balance_after < 0) throw new UserkitError('INSUFFICIENT_CREDITS');
      if (entry.idempotency_key !== null && state.ledger.some((t) => t.user_id === entry.user_id && t.idempotency_key === entry.idempotency_key)) {
        throw new Error('credit_transactions: duplicate idempotency key');
      }
      const record: CreditTransactionRecord = { ...clone(entry), id: state.nextLedgerId++ };
      state.ledger.push(record);
      return clone(record);
    });
  }

  findCreditTransaction(userId: number, idempotencyKey: string): Promise<CreditTransactionRecord | undefined> {
    return this.#run((state) => {
      const found = state.ledger.find((t) => t.user_id === userId && t.idempotency_key === idempotencyKey);
      return found && clone(found);
    });
  }

  listCreditTransactions(userId: number, page: { cursor?: string | undefined; limit: number }): Promise<Page<CreditTransactionRecord>> {
    return this.#run((state) => newestFirst(state.ledger, userId, page, 'credits'));
  }

  countUsers(since: Date): Promise<UserCounts> {
    return this.#run((state) => {
      const counts: UserCounts = { total: 0, byUserType: {}, byStatus: {}, byLeadStatus: {}, verified: 0, signupsPerDay: {}, credits: 0 };
      const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);
      for (const user of state.users.values()) {
        if (user.deleted_at !== null) continue;
        counts.total++;
        bump(counts.byUserType, user.user_type);
        bump(counts.byStatus, user.status);
        bump(counts.byLeadStatus, user.lead_status ?? 'none');
        if (user.email_verified) counts.verified++;
        if (user.created_at >= since) bump(counts.signupsPerDay, user.created_at.toISOString().slice(0, 10));
        counts.credits += user.credits;
      }
      return counts;
    });
  }

  async ping(): Promise<void> {}
}

/** Rows of one user, newest first by id, after an opaque cursor. */
function newestFirst<T extends { id: number; user_id: number }>(rows: T[], userId: number, page: { cursor?: string | undefined; limit: number }, kind: string): Page<T> {
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, kind).id;
  const matching = rows.filter((r) => r.user_id === userId && (after === undefined || r.id < after)).sort((a, b) => b.id - a.id);
  const items = matching.slice(0, page.limit);
  const last = items.at(-1);
  return { items: items.map(clone), next_cursor: matching.length > page.limit && last ? encodeCursor(kind, null, last.id) : null };
}

type SortColumn = 'created_at' | 'updated_at' | 'last_login' | 'name' | 'email' | 'credits';

/** The sort key of a row, as the SQL repositories compute it (and as cursors carry it). */
function sortValue(user: UserRecord, key: SortColumn): CursorValue {
  switch (key) {
    case 'name':
      return (user.name ?? '').toLowerCase();
    case 'email':
      return user.email;
    case 'credits':
      return user.credits;
    case 'last_login':
      return (user.last_login ?? new Date(0)).toISOString();
    default:
      return user[key].toISOString();
  }
}

/** Byte-order (`COLLATE "C"`) comparison for strings, numeric for numbers. */
function compareValues(a: CursorValue, b: CursorValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function matches(user: UserRecord, query: ListUsersQuery): boolean {
  if (user.deleted_at !== null) return false;
  if (query.user_type !== undefined && user.user_type !== query.user_type) return false;
  if (query.status !== undefined && user.status !== query.status) return false;
  if (query.lead_status !== undefined && user.lead_status !== query.lead_status) return false;
  if (query.email_verified !== undefined && user.email_verified !== query.email_verified) return false;
  if (query.created_after !== undefined && user.created_at < query.created_after) return false;
  if (query.created_before !== undefined && user.created_at >= query.created_before) return false;
  if (query.q) {
    const needle = query.q.toLowerCase();
    const haystack = [user.email, user.name, user.username, user.phone, user.business_site];
    if (!haystack.some((value) => value !== null && value.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** The CHECK constraints of the SQL schema. */
function checkConstraints(user: UserRecord): void {
  if (user.credits < 0) throw new UserkitError('INSUFFICIENT_CREDITS');
  if (user.credits > 2_147_483_647) throw new Error('users: credits out of the integer range');
  if (user.is_super_admin && user.user_type !== 'admin') throw new Error('users: is_super_admin requires user_type admin');
}

/** The unique indexes on lower(email) and lower(username). */
function assertUnique(state: State, user: UserRecord): void {
  const username = user.username === null ? null : lower(user.username);
  for (const other of state.users.values()) {
    if (other.id === user.id) continue;
    if (other.email === user.email) throw new UserkitError('EMAIL_TAKEN', { detail: 'This email is already in use' });
    if (username !== null && other.username !== null && lower(other.username) === username) {
      throw new UserkitError('USERNAME_TAKEN', { detail: 'This username is already in use' });
    }
  }
}
