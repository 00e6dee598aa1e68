/**
 * The statements of the authenticated hot path (every request loads its caller), compiled once per
 * Kysely instance (plugins included) and run as named prepared statements
 * (`prepared-statements.ts`). The session check of an access token's `sid` rides on the same
 * statement as the user lookup (docs/sessions.md).
 *
 * Each of their rows is one JSON value (`to_json` of the selected columns) rather than 37 columns:
 * pg describes and sets up every column of a result again on each execution, and per column that
 * cost more than parsing the row as JSON (docs/benchmarks.md, "the hot reads as JSON rows").
 */
import { CompiledQuery, sql, type Kysely, type Selectable, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { timestampColumns, userColumnNames, type UserColumn, type UserRecord } from '@userkit/core';
import parseDate from 'postgres-date';
import type { Database, UsersTable } from './database';
import { markHotStatement } from './prepared-statements';

/** A `users` row as the repository selects it. */
export type UserRow = Pick<Selectable<UsersTable>, UserColumn>;

/**
 * A selected row as a {@link UserRecord}, completed in place: rows are the driver's fresh objects,
 * and copying each (37 columns) cost more than the rest of mapping it.
 */
export function toUserRecord(row: UserRow): UserRecord {
  if (row.additional_websites === null) (row as { additional_websites: string[] }).additional_websites = [];
  return row as UserRecord;
}

const userColumns = userColumnNames;

/** A row of a hot statement: the user's columns as one JSON value (timestamps as ISO-8601 text). */
export interface JsonUserRow {
  u: Record<string, unknown> | string;
}

/**
 * A timestamp of a JSON row. `to_json` writes ISO 8601 with the session's UTC offset, which `Date`
 * parses natively; an offset with seconds (local mean time, before about 1900 in some zones), a BC
 * year or `infinity` goes to the parser pg uses for timestamp columns, so both reads agree.
 */
function parseTimestamp(text: string): Date {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? (parseDate(text.replace('T', ' ')) as Date) : date;
}

/**
 * A hot statement's row as a {@link UserRow}: the JSON value (parsed here if a pool hands json over
 * as text) with its timestamp columns turned back into `Date`, in place.
 */
export function fromJsonRow(row: JsonUserRow): UserRow {
  const user = typeof row.u === 'string' ? (JSON.parse(row.u) as Record<string, unknown>) : row.u;
  for (const column of timestampColumns) {
    const value = user[column];
    if (typeof value === 'string') user[column] = parseTimestamp(value);
  }
  return user as UserRow;
}

/** Statements of the authenticated hot path, compiled once per Kysely instance (plugins included). */
export interface HotQueries {
  /** By id, deleted rows included. */
  findById(id: number): CompiledQuery<JsonUserRow>;
  /** By ids, deleted rows included. */
  findByIds(ids: number[]): CompiledQuery<JsonUserRow>;
  /** By id, deleted rows included, and only while the caller's session (family) is live at `now`. */
  findActor(id: number, sessionId: string, now: Date): CompiledQuery<JsonUserRow>;
  /** The rows of `actorId` and `otherId`, the actor's only while its session is live at `now`. */
  findActorWith(actorId: number, otherId: number, sessionId: string, now: Date): CompiledQuery<JsonUserRow>;
}

/** `query`'s rows, each as one JSON value of its columns. */
function asJson<O>(db: Kysely<Database>, query: SelectQueryBuilder<Database, 'users', O>) {
  return db.selectFrom(query.as('u')).select(sql<JsonUserRow['u']>`to_json(u)`.as('u')).compile();
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
    const byId = asJson(db, db.selectFrom('users').select(userColumns).where('id', '=', 0));
    const byIds = asJson(db, db.selectFrom('users').select(userColumns).where(sql<SqlBool>`id = any(cast(${[0]} as int[]))`));
    // One parameter each: the id (or the id array) takes the placeholder's place.
    if (byId.parameters.length !== 1 || byIds.parameters.length !== 1) throw new Error('userkit: unexpected parameters in a hot query');
    // The session check rides on the same statement (a correlated EXISTS on the partial index of
    // live heads), as a condition rather than a column: checking that an access token's session
    // has not ended costs no extra round trip, and the row stays the plain user row (no flag to
    // copy it without). A caller row missing from the answer is told apart afterwards.
    const live = sql<SqlBool>`exists (select 1 from user_sessions s where s.family_id = ${slot.sessionId} and s.user_id = users.id and s.revoked_at is null and s.replaced_by is null and s.expires_at > ${slot.now})`;
    const actor = asJson(db, db.selectFrom('users').select(userColumns).where('id', '=', slot.id).where(live));
    const actorWith = asJson(
      db,
      db
        .selectFrom('users')
        .select(userColumns)
        // Two scalar parameters, not an array: PostgreSQL then knows the statement finds at most two
        // rows, settles on its generic plan after a few runs and stops planning it on every request.
        .where('id', 'in', [slot.actorId, slot.otherId])
        .where(sql<SqlBool>`(users.id <> ${slot.actorId} or ${live})`),
    );
    const actorSlots = slotsOf(actor.parameters);
    const actorWithSlots = slotsOf(actorWith.parameters);
    for (const text of [byId.sql, byIds.sql, actor.sql, actorWith.sql]) markHotStatement(text);
    const bind = (slots: Slot[], values: { [K in Slot]?: unknown }) => slots.map((name) => values[name]);
    queries = {
      findById: (id) => CompiledQuery.raw(byId.sql, [id]) as CompiledQuery<JsonUserRow>,
      findByIds: (ids) => CompiledQuery.raw(byIds.sql, [ids]) as CompiledQuery<JsonUserRow>,
      // `now` travels as ISO 8601 text (PostgreSQL reads it as the timestamptz it is compared with):
      // pg's own Date formatting costs more than the rest of binding the statement.
      findActor: (id, sessionId, now) => CompiledQuery.raw(actor.sql, bind(actorSlots, { id, sessionId, now: now.toISOString() })) as CompiledQuery<JsonUserRow>,
      findActorWith: (actorId, otherId, sessionId, now) =>
        CompiledQuery.raw(actorWith.sql, bind(actorWithSlots, { actorId, otherId, sessionId, now: now.toISOString() })) as CompiledQuery<JsonUserRow>,
    };
    hotQueryCache.set(db, queries);
  }
  return queries;
}

