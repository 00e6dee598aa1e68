/**
 * An in-memory {@link SessionStore}. Standalone it keeps its own rows; `MemoryUserRepository`
 * hands out one over its own state (`repository.sessions`), so sessions take part in the
 * repository's transactions as SQL rows would.
 */
import type { NewSessionRecord, SessionRecord, SessionStore } from './session-store';

/** Runs `fn` over the rows, alone (no other operation of the store interleaves). */
export type SessionRowsRunner = <T>(fn: (rows: Map<string, SessionRecord>) => T) => Promise<T>;

const clone = (row: SessionRecord): SessionRecord => structuredClone(row);
const live = (row: SessionRecord, now: Date) => row.revoked_at === null && row.replaced_by === null && row.expires_at.getTime() > now.getTime();

/**
 * @example
 * ```ts
 * const sessions = new MemorySessionStore();
 * const service = new UserService({ repository, mailer, sessions });
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly #run: SessionRowsRunner;

  /** `runner` defaults to a private row map (each call runs synchronously, hence alone). */
  constructor(runner?: SessionRowsRunner) {
    if (runner) this.#run = runner;
    else {
      const rows = new Map<string, SessionRecord>();
      this.#run = async (fn) => fn(rows);
    }
  }

  insert(session: NewSessionRecord): Promise<SessionRecord> {
    return this.#run((rows) => {
      if (rows.has(session.id)) throw new Error('user_sessions: duplicate id');
      const row: SessionRecord = { ...clone({ ...session, revoked_at: null, replaced_by: null }) };
      rows.set(row.id, row);
      return clone(row);
    });
  }

  findByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.#run((rows) => {
      for (const row of rows.values()) if (row.token_hash === tokenHash) return clone(row);
      return undefined;
    });
  }

  rotate(id: string, next: NewSessionRecord, now: Date): Promise<SessionRecord | undefined> {
    return this.#run((rows) => {
      const current = rows.get(id);
      if (!current || !live(current, now) || rows.has(next.id)) return undefined;
      rows.set(id, { ...current, replaced_by: next.id, last_used_at: new Date(now) });
      const row: SessionRecord = clone({ ...next, revoked_at: null, replaced_by: null });
      rows.set(row.id, row);
      return clone(row);
    });
  }

  isLive(userId: number, familyId: string, now: Date): Promise<boolean> {
    return this.#run((rows) => [...rows.values()].some((row) => row.user_id === userId && row.family_id === familyId && live(row, now)));
  }

  listLive(userId: number, now: Date): Promise<SessionRecord[]> {
    return this.#run((rows) =>
      [...rows.values()]
        .filter((row) => row.user_id === userId && live(row, now))
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a.id < b.id ? 1 : -1))
        .map(clone),
    );
  }

  revokeFamily(userId: number, familyId: string, now: Date): Promise<boolean> {
    return this.#run((rows) => {
      let ended = false;
      for (const row of rows.values()) {
        if (row.user_id !== userId || row.family_id !== familyId || row.revoked_at !== null) continue;
        if (live(row, now)) ended = true;
        rows.set(row.id, { ...row, revoked_at: new Date(now) });
      }
      return ended;
    });
  }

  revokeAll(userId: number, now: Date): Promise<number> {
    return this.#run((rows) => {
      let count = 0;
      for (const row of rows.values()) {
        if (row.user_id !== userId || row.revoked_at !== null) continue;
        rows.set(row.id, { ...row, revoked_at: new Date(now) });
        count++;
      }
      return count;
    });
  }

  pruneExpired(now: Date, limit: number): Promise<number> {
    return this.#run((rows) => {
      let count = 0;
      for (const row of [...rows.values()]) {
        if (count >= limit) break;
        if (row.expires_at.getTime() > now.getTime()) continue;
        rows.delete(row.id);
        count++;
      }
      return count;
    });
  }
}
