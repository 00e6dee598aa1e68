/**
 * The read hooks, on TanStack Query. Every query function passes TanStack's `signal` to the
 * client: a query that is superseded (new search text, next page) or unmounted is aborted on the
 * wire, and TanStack treats that abort as a cancellation (the query goes back to its previous
 * state), never as an error.
 */
import type { ListUsersQueryInput, RouteOutput, User, UserClient } from '@userkit/client';
import type { PageQueryInput } from '@userkit/core';
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { queryDefaults, type QueryOptionsFor } from './query-defaults';
import { userKeys } from './query-keys';
import { useUserkit } from './userkit-provider';
import { useSessionState } from './session-hooks';

/** How a hook reads something of one user: its query key and its request, given the id. */
interface UserQuery<T> {
  key: (id: number) => readonly unknown[];
  fetch: (client: UserClient, id: number, signal: AbortSignal) => Promise<T>;
  /** One page of a paged log: the previous page stays on screen while the next one loads. */
  paged?: boolean;
}

/**
 * The body of the hooks that read something of user `id`: the defaults, the caller's options, and
 * the query, idle while `id` is undefined (as while the caller's `enabled` is false).
 */
function useUserQuery<T>(id: number | undefined, options: QueryOptionsFor<T>, { key, fetch, paged = false }: UserQuery<T>): UseQueryResult<T> {
  const { client } = useUserkit();
  return useQuery({
    ...queryDefaults,
    ...(paged ? { placeholderData: keepPreviousData } : {}),
    ...options,
    queryKey: key(id ?? 0),
    queryFn: ({ signal }) => fetch(client, id ?? 0, signal),
    enabled: id !== undefined && options.enabled !== false,
  });
}

/**
 * The signed-in user (`GET /users/me`). Idle while signed out.
 *
 * @example
 * ```ts
 * const { data: me, isPending } = useCurrentUser();
 * ```
 */
export function useCurrentUser(options: QueryOptionsFor<User> = {}): UseQueryResult<User> {
  const { client } = useUserkit();
  const { status } = useSessionState();
  return useQuery({
    ...queryDefaults,
    ...options,
    queryKey: userKeys.me(),
    queryFn: ({ signal }) => client.me(undefined, { signal }),
    enabled: status === 'signed-in' && options.enabled !== false,
  });
}

/** One user by id (`GET /users/{id}`); idle while `id` is undefined. */
export function useUser(id: number | undefined, options: QueryOptionsFor<User> = {}): UseQueryResult<User> {
  return useUserQuery(id, options, { key: userKeys.detail, fetch: (client, userId, signal) => client.getUser({ id: userId }, { signal }) });
}

/** The list query without its cursor: search (`q`), filters, `sort`, `limit`. */
export type UserListFilters = Omit<ListUsersQueryInput, 'cursor'>;

/** Cursor paging over the list: forward with the server's `next_cursor`, back through the ones seen. */
export interface UserListPaging {
  /** 0 for the first page. */
  pageIndex: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  nextPage(): void;
  previousPage(): void;
  firstPage(): void;
}

/**
 * The user list (`GET /users`) with search, filters, sort and cursor paging. While the next page
 * (or a new search) loads, the previous page stays on screen (`isPlaceholderData` is true), and a
 * request that is superseded is aborted. Changing the filters goes back to the first page.
 *
 * @example
 * ```ts
 * const [q, setQ] = useState('');
 * const { data, isPlaceholderData, paging } = useUsers({ q, user_type: 'customer', sort: 'created_at:desc', limit: 20 });
 * // data?.items, data?.total; paging.nextPage() when paging.hasNextPage
 * ```
 */
export function useUsers(filters: UserListFilters = {}, options: QueryOptionsFor<RouteOutput<'listUsers'>> = {}): UseQueryResult<RouteOutput<'listUsers'>> & { paging: UserListPaging } {
  const { client } = useUserkit();
  const filtersKey = JSON.stringify(filters);
  // The cursors of the pages before the current one, for the given filters only.
  const [pages, setPages] = useState<{ filtersKey: string; cursors: (string | undefined)[] }>({ filtersKey, cursors: [undefined] });
  const cursors = pages.filtersKey === filtersKey ? pages.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const query: ListUsersQueryInput = cursor === undefined ? filters : { ...filters, cursor };
  const result = useQuery({
    ...queryDefaults,
    placeholderData: keepPreviousData,
    ...options,
    queryKey: userKeys.list(query),
    queryFn: ({ signal }) => client.listUsers({ query }, { signal }),
  });
  const next = result.isPlaceholderData ? null : (result.data?.next_cursor ?? null);
  const paging: UserListPaging = {
    pageIndex: cursors.length - 1,
    hasNextPage: next !== null,
    hasPreviousPage: cursors.length > 1,
    nextPage: () => {
      if (next !== null) setPages({ filtersKey, cursors: [...cursors, next] });
    },
    previousPage: () => {
      if (cursors.length > 1) setPages({ filtersKey, cursors: cursors.slice(0, -1) });
    },
    firstPage: () => setPages({ filtersKey, cursors: [undefined] }),
  };
  return Object.assign(result, { paging });
}

/** User statistics (`GET /users/stats`, admins). */
export function useUserStats(options: QueryOptionsFor<RouteOutput<'stats'>> = {}): UseQueryResult<RouteOutput<'stats'>> {
  const { client } = useUserkit();
  return useQuery({ ...queryDefaults, ...options, queryKey: userKeys.stats(), queryFn: ({ signal }) => client.stats(undefined, { signal }) });
}

/** A user's activity (`GET /users/{id}/activity`), one page; idle while `id` is undefined. */
export function useUserActivity(id: number | undefined, query: PageQueryInput = {}, options: QueryOptionsFor<RouteOutput<'listActivity'>> = {}): UseQueryResult<RouteOutput<'listActivity'>> {
  return useUserQuery(id, options, {
    key: (userId) => userKeys.activity(userId, query),
    fetch: (client, userId, signal) => client.listActivity({ id: userId, query }, { signal }),
    paged: true,
  });
}

/** A user's credit balance and transactions (`GET /users/{id}/credits`), one page; idle while `id` is undefined. */
export function useUserCredits(id: number | undefined, query: PageQueryInput = {}, options: QueryOptionsFor<RouteOutput<'listCredits'>> = {}): UseQueryResult<RouteOutput<'listCredits'>> {
  return useUserQuery(id, options, {
    key: (userId) => userKeys.credits(userId, query),
    fetch: (client, userId, signal) => client.listCredits({ id: userId, query }, { signal }),
    paged: true,
  });
}
