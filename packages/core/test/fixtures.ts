/**
 * Test fixtures for the core: a fast fake password hasher, a repository wrapper that records the
 * committed activity log, and a harness that wires a {@link UserService} over the in-memory ports.
 */
import { expect, vi } from 'vitest';
import { isUserkitError, secretColumns, userSchema, type ListOptions, type ListUsersQuery, type Page, type CreditTransactionRecord, type NewCreditTransactionRecord, type UserCounts, type NewUserRecord, type User, type UserkitError, type UserPage, type UserPatch, type UserRecord } from '@userkit/core';
import { ManualClock, MemoryMailer, MemoryUserRepository, UserService, type ActivityRecord, type FindOptions, type NewActivityRecord, type PasswordHasher, type UpdateOptions, type UserRepository, type UserServiceOptions } from '@userkit/core/server';

/** The clock every harness starts at. */
export const startTime = new Date('2026-03-01T12:00:00.000Z');

/**
 * A password hasher with no work factor: `fake$<password>`. Hashes starting with `old$` verify too
 * but report `needsRehash`, standing in for a weaker bcrypt cost. Every method is a spy.
 */
export class FakeHasher implements PasswordHasher {
  readonly hash = vi.fn(async (password: string) => `fake$${password}`);
  readonly verify = vi.fn(async (password: string, hash: string) => hash === `fake$${password}` || hash === `old$${password}`);
  readonly needsRehash = vi.fn((hash: string) => !hash.startsWith('fake$'));
}

/** The stored hash the fake hasher makes for `password`. */
export const fakeHash = (password: string) => `fake$${password}`;

/**
 * Wraps a {@link UserRepository} and keeps the activity entries that were committed: entries
 * appended inside a transaction only count once the transaction resolves, so a rolled-back write
 * leaves nothing here. (The memory repository has no public read path for `user_activity`.)
 */
export class RecordingRepository implements UserRepository {
  readonly inner: UserRepository;
  readonly #log: ActivityRecord[];
  readonly #pending: ActivityRecord[] | undefined;

  constructor(inner: UserRepository = new MemoryUserRepository(), log: ActivityRecord[] = [], pending?: ActivityRecord[]) {
    this.inner = inner;
    this.#log = log;
    this.#pending = pending;
  }

  /** The committed activity entries, oldest first. */
  get activity(): readonly ActivityRecord[] {
    return this.#log;
  }

  /** The committed activity entries about one user. */
  activityFor(userId: number): ActivityRecord[] {
    return this.#log.filter((entry) => entry.user_id === userId);
  }

  transaction<T>(fn: (tx: UserRepository) => Promise<T>): Promise<T> {
    if (this.#pending) return fn(this);
    return this.inner.transaction(async (tx) => {
      const pending: ActivityRecord[] = [];
      const result = await fn(new RecordingRepository(tx, this.#log, pending));
      this.#log.push(...pending);
      return result;
    });
  }

  findById(id: number, options?: FindOptions): Promise<UserRecord | undefined> {
    return this.inner.findById(id, options);
  }

  findByIds(ids: readonly number[]): Promise<UserRecord[]> {
    return this.inner.findByIds(ids);
  }

  findByEmail(email: string, options?: FindOptions): Promise<UserRecord | undefined> {
    return this.inner.findByEmail(email, options);
  }

  insert(user: NewUserRecord): Promise<UserRecord> {
    return this.inner.insert(user);
  }

  async update(id: number, patch: UserPatch, options?: UpdateOptions): Promise<UserRecord | undefined> {
    const updated = await this.inner.update(id, patch, options);
    // The entry an update carries is committed with it (the update is atomic on its own).
    if (updated && options?.activity) (this.#pending ?? this.#log).push({ ...options.activity, user_id: id, id: 0 });
    return updated;
  }

  activeSuperAdminIds(options?: { lock?: boolean }): Promise<number[]> {
    return this.inner.activeSuperAdminIds(options);
  }

  list(query: ListUsersQuery, options?: ListOptions): Promise<UserPage<UserRecord>> {
    return this.inner.list(query, options);
  }

  async appendActivity(entry: NewActivityRecord): Promise<ActivityRecord> {
    const record = await this.inner.appendActivity(entry);
    (this.#pending ?? this.#log).push(record);
    return record;
  }

  findByEmails(emails: readonly string[]): Promise<UserRecord[]> {
    return this.inner.findByEmails(emails);
  }

  findByUsernames(usernames: readonly string[]): Promise<UserRecord[]> {
    return this.inner.findByUsernames(usernames);
  }

  insertMany(users: readonly NewUserRecord[]): Promise<UserRecord[]> {
    return this.inner.insertMany(users);
  }

  async appendActivities(entries: readonly NewActivityRecord[]): Promise<void> {
    await this.inner.appendActivities(entries);
    for (const entry of entries) (this.#pending ?? this.#log).push({ ...entry, id: 0 });
  }

  scanUsers(query: Omit<ListUsersQuery, 'cursor' | 'limit'>, batchSize: number): AsyncIterable<UserRecord[]> {
    return this.inner.scanUsers(query, batchSize);
  }

  listActivity(userId: number, page: { cursor?: string | undefined; limit: number }): Promise<Page<ActivityRecord>> {
    return this.inner.listActivity(userId, page);
  }

  addCredits(id: number, delta: number, updatedAt: Date): Promise<number | undefined> {
    return this.inner.addCredits(id, delta, updatedAt);
  }

  insertCreditTransaction(entry: NewCreditTransactionRecord): Promise<CreditTransactionRecord> {
    return this.inner.insertCreditTransaction(entry);
  }

  findCreditTransaction(userId: number, idempotencyKey: string): Promise<CreditTransactionRecord | undefined> {
    return this.inner.findCreditTransaction(userId, idempotencyKey);
  }

  listCreditTransactions(userId: number, page: { cursor?: string | undefined; limit: number }): Promise<Page<CreditTransactionRecord>> {
    return this.inner.listCreditTransactions(userId, page);
  }

  countUsers(since: Date): Promise<UserCounts> {
    return this.inner.countUsers(since);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }
}

export interface Harness {
  service: UserService;
  repository: RecordingRepository;
  mailer: MemoryMailer;
  clock: ManualClock;
  hasher: PasswordHasher;
  /** Inserts a user straight into the repository (no service rules, no activity). */
  seed(overrides?: Partial<NewUserRecord> & { password?: string }): Promise<UserRecord>;
  seedCustomer(overrides?: Partial<NewUserRecord> & { password?: string }): Promise<UserRecord>;
  seedAdmin(overrides?: Partial<NewUserRecord> & { password?: string }): Promise<UserRecord>;
  seedSuperAdmin(overrides?: Partial<NewUserRecord> & { password?: string }): Promise<UserRecord>;
  /** The stored row, deleted or not. */
  record(id: number): Promise<UserRecord>;
}

let seq = 0;

/** A fresh service over an empty memory repository, a memory mailer and a manual clock. */
/** The verification-code secret of every test service. */
export const testCodeSecret = 'test-code-secret-that-is-at-least-32-bytes-long';

export function createHarness(options: Partial<Omit<UserServiceOptions, 'repository' | 'mailer' | 'clock'>> & { hasher?: PasswordHasher } = {}): Harness {
  const repository = new RecordingRepository();
  const mailer = new MemoryMailer();
  const clock = new ManualClock(startTime);
  const hasher = options.hasher ?? new FakeHasher();
  const service = new UserService({ codeSecret: testCodeSecret, ...options, repository, mailer, clock, hasher });
  // The service makes its dummy hash at construction; tests count the calls after that.
  if (hasher instanceof FakeHasher) hasher.hash.mockClear();

  const seed: Harness['seed'] = async ({ password, ...overrides } = {}) => {
    seq++;
    return repository.insert({
      email: `user${seq}@example.com`,
      password_hash: fakeHash(password ?? 'seeded password'),
      user_type: 'customer',
      status: 'active',
      email_verified: true,
      created_at: clock.now(),
      updated_at: clock.now(),
      ...overrides,
    });
  };

  return {
    service,
    repository,
    mailer,
    clock,
    hasher,
    seed,
    seedCustomer: (overrides = {}) => seed({ user_type: 'customer', ...overrides }),
    seedAdmin: (overrides = {}) => seed({ email: `admin${seq + 1}@example.com`, user_type: 'admin', ...overrides }),
    seedSuperAdmin: (overrides = {}) => seed({ email: `super${seq + 1}@example.com`, user_type: 'admin', is_super_admin: true, ...overrides }),
    record: async (id) => {
      const row = await repository.findById(id, { includeDeleted: true });
      if (!row) throw new Error(`no user ${id}`);
      return row;
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves or throws a non-userkit error). */
export async function errorOf(promise: Promise<unknown>): Promise<UserkitError> {
  try {
    await promise;
  } catch (error) {
    if (isUserkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a UserkitError, but the call succeeded');
}

/** `'ok'` or the userkit error code a promise settles with: the conformance kit's helper. */
export { codeOf } from '@userkit/core/testing';

/** Asserts a user as sent: exactly the wire fields of docs/api.md#a-user-as-sent, never a secret column. */
export function expectPublicUser(user: User): void {
  for (const column of [...secretColumns, 'deleted_at']) expect(user).not.toHaveProperty(column);
  expect(Object.keys(user).sort()).toEqual(Object.keys(userSchema.shape).sort());
  expect(() => userSchema.strict().parse(user)).not.toThrow();
}

/** A promise with its resolver, to hold a fake operation open at a chosen point. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
