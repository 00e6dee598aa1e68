/**
 * The statements of the authenticated hot path (every request loads its caller), compiled once per
 * Kysely instance (plugins included) and run as named prepared statements
 * (`prepared-statements.ts`). The session check of an access token's `sid` rides on the same
 * statement as the user lookup (docs/sessions.md).
 */
import { CompiledQuery, sql, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import { userColumnNames, type UserColumn, type UserRecord } from '@userkit/core';
import type { Database, UsersTable } from './database';
import { markHotStatement } from './prepared-statements';

/** A `users` row as the repository selects it. */
export type UserRow = Pick<Selectable<UsersTable>, UserColumn>;

/** A selected row as a {@link UserRecord}. */
export function toUserRecord(row: UserRow): UserRecord {
  return { ...row, additional_websites: row.additional_websites ?? [] };
}

const userColumns = userColumnNames;

/** Statements of the authenticated hot path, compiled once per Kysely instance (plugins included). */
export interface HotQueries {
  /** By id, deleted rows included. */
  findById(id: number): CompiledQuery<UserRow>;
  /** By ids, deleted rows included. */
  findByIds(ids: number[]): CompiledQuery<UserRow>;
  /** By id, with whether the caller's session (family) is live at `now`. */
  findActor(id: number, sessionId: string, now: Date): CompiledQuery<UserRow & { session_live: boolean }>;
  /** The rows of `actorId` and `otherId`, the actor's with whether its session is live (false on the other). */
  findActorWith(actorId: number, otherId: number, sessionId: string, now: Date): CompiledQuery<UserRow & { session_live: boolean }>;
}

/** Sentinels compiled into a query's parameters, swapped for the values of each call. */
const slot = { id: -101, ids: [-102], sessionId: '\u0000sid', now: new Date(-103), actorId: -104, otherId: -105 };
type Slot = keyof typeof slot;

/** The parameter order of a compiled query, as slot names (throws on anything else). */
function slotsOf(parameters: readonly unknown[]): Slot[] {
  return parameters.map((value) => {
    const name = (Object.keys(slot) as Slot[]).find((key) => slot[key] === value);
    if (name === undefined) throw new Error('userkit: unexpected parameter in a hot query');
    return name;
  });
}
const hotQueryCache = new WeakMap<Kysely<Database>, HotQueries>();

export function hotQueries(db: Kysely<Database>): HotQueries {
  let queries = hotQueryCache.get(db);
  if (!queries) {
    // No `deleted_at IS NULL` in SQL (the callers drop deleted rows): with it, the live-only list
    // indexes qualify too, and before the table's first ANALYZE the planner picks a full scan of
    // one of them over the primary key, far slower per lookup (docs/benchmarks.md).
    const byId = db.selectFrom('users').select(userColumns).where('id', '=', 0).compile();
    const byIds = db.selectFrom('users').select(userColumns).where(sql<SqlBool>`id = any(cast(${[0]} as int[]))`).compile();
    // One parameter each: the id (or the id array) takes the placeholder's place.
    if (byId.parameters.length !== 1 || byIds.parameters.length !== 1) throw new Error('userkit: unexpected parameters in a hot query');
    // The session check rides on the same statement (a correlated EXISTS on the partial index of
    // live heads): checking that an access token's session has not ended costs no extra round trip.
    const live = (userId: RawBuilder<unknown>) =>
      sql<boolean>`exists (select 1 from user_sessions s where s.family_id = ${slot.sessionId} and s.user_id = ${userId} and s.revoked_at is null and s.replaced_by is null and s.expires_at > ${slot.now})`;
    const actor = db.selectFrom('users').select(userColumns).select(live(sql`users.id`).as('session_live')).where('id', '=', slot.id).compile();
    const actorWith = db
      .selectFrom('users')
      .select(userColumns)
      .select(sql<boolean>`(users.id = ${slot.actorId} and ${live(sql`users.id`)})`.as('session_live'))
      // Two scalar parameters, not an array: PostgreSQL then knows the statement finds at most two
      // rows, settles on its generic plan after a few runs and stops planning it on every request.
      .where('id', 'in', [slot.actorId, slot.otherId])
      .compile();
    const actorSlots = slotsOf(actor.parameters);
    const actorWithSlots = slotsOf(actorWith.parameters);
    for (const text of [byId.sql, byIds.sql, actor.sql, actorWith.sql]) markHotStatement(text);
    const bind = (slots: Slot[], values: { [K in Slot]?: unknown }) => slots.map((name) => values[name]);
    queries = {
      findById: (id) => CompiledQuery.raw(byId.sql, [id]) as CompiledQuery<UserRow>,
      findByIds: (ids) => CompiledQuery.raw(byIds.sql, [ids]) as CompiledQuery<UserRow>,
      // `now` travels as ISO 8601 text (PostgreSQL reads it as the timestamptz it is compared with):
      // pg's own Date formatting costs more than the rest of binding the statement.
      findActor: (id, sessionId, now) => CompiledQuery.raw(actor.sql, bind(actorSlots, { id, sessionId, now: now.toISOString() })) as CompiledQuery<UserRow & { session_live: boolean }>,
      findActorWith: (actorId, otherId, sessionId, now) =>
        CompiledQuery.raw(actorWith.sql, bind(actorWithSlots, { actorId, otherId, sessionId, now: now.toISOString() })) as CompiledQuery<UserRow & { session_live: boolean }>,
    };
    hotQueryCache.set(db, queries);
  }
  return queries;
}

