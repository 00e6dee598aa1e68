/**
 * The user list of the Kysely store: keyset pages with a total counted up to a cap, searches
 * through the trigram index, and the export's scan. {@link KyselyUserRepository} delegates here.
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import { defaultListTotalCap, userColumnNames as userColumns, type ListOptions, type ListUsersQuery, type Page, type SortKey, type UserPage, type UserRecord } from '@userkit/core';
import { decodeCursor, encodeCursor } from '@userkit/core/server';
import type { Database } from './database';
import { toUserRecord } from './hot-queries';
import { runMapped } from './map-database-error';
import { cursorKey, filters, sortSpecs, type ListFilters } from './user-list-sql';


/** Lists the users of one database (or transaction). */
export class KyselyUserList {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async list(query: ListUsersQuery, options: ListOptions = {}): Promise<UserPage<UserRecord>> {
    const cap = options.totalCap ?? defaultListTotalCap;
    const known = options.knownTotal;
    if (known !== undefined) {
      // A later page: the first page counted. A search known to match few rows reads them first,
      // as its first page did.
      const page = await this.#page(query, query.cursor, query.limit, { matchesFirst: Boolean(query.q) && Number.isFinite(cap) && !known.capped });
      return { items: page.items, next_cursor: page.next_cursor, total: known.total, total_capped: known.capped };
    }
    if (query.q && Number.isFinite(cap)) {
      // Search: count the matches (up to cap + 1) through the trigram index first; when they are
      // within the cap, the same statement answers their ids and the page is read among them by
      // primary key, so a page costs one trigram scan, not two. (Walking a sort index and filtering
      // row by row would visit the whole table when the planner guesses the term is common but it
      // is rare.) When they are many, that walk finds a page at once.
      const ids = await this.#matchingIds(query, cap);
      if (ids?.length === 0) return { items: [], next_cursor: null, total: 0, total_capped: false };
      if (ids) return { ...(await this.#page(query, query.cursor, query.limit, { among: ids })), total: ids.length, total_capped: false };
      return { ...(await this.#page(query, query.cursor, query.limit)), total: cap, total_capped: true };
    }
    // The count rides on the page's statement (an uncorrelated subquery, run once); only an empty
    // page after a cursor, which carries no row to read it from, counts on its own.
    const page = await this.#page(query, query.cursor, query.limit, { countUpTo: cap });
    const count = page.count ?? (query.cursor === undefined ? 0 : await this.#count(query, cap));
    return { items: page.items, next_cursor: page.next_cursor, total: Math.min(count, cap), total_capped: count > cap };
  }

  /** The users matching the filters, counted up to `cap + 1`, as an expression (one number). */
  #countExpression(query: ListFilters, cap: number) {
    const matching = this.#db
      .selectFrom('users')
      .select(sql<number>`1`.as('one'))
      .where((eb) => filters(eb, query))
      .$if(Number.isFinite(cap), (qb) => qb.limit(cap + 1));
    return this.#db.selectFrom(matching.as('matching')).select((eb) => eb.fn.countAll<number | string>().as('total'));
  }

  /** The users matching the filters, counted up to `cap + 1` (only one number leaves the database). */
  #count(query: ListFilters, cap: number): Promise<number> {
    return runMapped(async () => Number((await this.#countExpression(query, cap).executeTakeFirstOrThrow()).total));
  }

  /**
   * The ids of a search's matches when they are within the cap, or null when more match: counted
   * up to `cap + 1` in one aggregate, so nothing but that verdict leaves the database for many.
   */
  #matchingIds(query: ListFilters, cap: number): Promise<number[] | null> {
    const matching = this.#db
      .selectFrom('users')
      .select('id')
      .where((eb) => filters(eb, query))
      .limit(cap + 1);
    return runMapped(async () => {
      const row = await this.#db
        .selectFrom(matching.as('matching'))
        .select(sql<number[] | null>`case when count(*) <= ${cap} then coalesce(array_agg(id), '{}') end`.as('ids'))
        .executeTakeFirstOrThrow();
      return row.ids === null ? null : row.ids.map(Number);
    });
  }

  async *scan(query: ListFilters, batchSize: number): AsyncIterable<UserRecord[]> {
    let cursor: string | undefined;
    do {
      const page = await this.#page(query, cursor, batchSize);
      if (page.items.length > 0) yield page.items;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  /**
   * One keyset page of the list; with `countUpTo`, the matches counted up to that cap + 1 in the
   * same statement (`count`, absent when the page is empty). With `matchesFirst`, the matching rows are
   * collected first and sorted after (for a search known to match few rows), never found by
   * walking a sort index: OFFSET 0 keeps the planner from merging the two. With `among`, only
   * the users of those ids (a search's matches, counted first) are read, by primary key; the
   * other filters still apply, so a user deleted since is left out.
   */
  async #page(
    query: ListFilters,
    cursor: string | undefined,
    limit: number,
    options: { matchesFirst?: boolean; countUpTo?: number; among?: readonly number[] } = {},
  ): Promise<Page<UserRecord> & { count?: number }> {
    const descending = query.sort.startsWith('-');
    const direction = descending ? 'desc' : 'asc';
    const spec = sortSpecs[(descending ? query.sort.slice(1) : query.sort) as SortKey];
    const after = cursor === undefined ? undefined : decodeCursor(cursor, query.sort);
    const keyset =
      after === undefined
        ? sql<SqlBool>`true`
        : sql<SqlBool>`(${spec.key}, id) ${sql.raw(descending ? '<' : '>')} (${cursorKey(spec, after.value)}, ${after.id})`;
    const among = options.among;
    const matching = this.#db
      .selectFrom('users')
      .select(userColumns)
      .$if(among !== undefined, (qb) => qb.where(sql<SqlBool>`id = any(cast(${among ?? []} as integer[]))`))
      // Among a search's matches, the search term is not matched again: planning a LIKE against
      // the trigram index costs more than reading the few rows, and the ids matched a moment ago.
      .where((eb) => filters(eb, among === undefined ? query : { ...query, q: undefined }));
    const source = options.matchesFirst ? this.#db.selectFrom(matching.offset(0).as('users')).selectAll() : matching;
    return runMapped(async () => {
      const countUpTo = options.countUpTo;
      const rows = await source
        .select(spec.value.as('sort_value'))
        .$if(countUpTo !== undefined, (qb) => qb.select(this.#countExpression(query, countUpTo ?? 0).as('list_total')))
        .where(keyset)
        .orderBy(spec.key, direction)
        .orderBy('id', direction)
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const total = (rows[0] as { list_total?: number | string | null } | undefined)?.list_total;
      return {
        items: page.map(({ sort_value: _, list_total: __, ...row }: (typeof rows)[number] & { list_total?: unknown }) => toUserRecord(row)),
        next_cursor: rows.length > limit && last ? encodeCursor(query.sort, last.sort_value, last.id) : null,
        ...(total === undefined || total === null ? {} : { count: Number(total) }),
      };
    });
  }
}
