/**
 * The query-key factory: every key starts with `['userkit']`, and keys nest so that one prefix
 * invalidates a family (`userKeys.lists()` every list page, `userKeys.detail(id)` a user with its
 * activity and credits).
 */
import type { ListUsersQueryInput } from '@userkit/client';
import type { PageQueryInput } from '@userkit/core';

/**
 * @example
 * ```ts
 * queryClient.invalidateQueries({ queryKey: userKeys.lists() });
 * queryClient.getQueryData(userKeys.detail(42));
 * ```
 */
export const userKeys = {
  all: ['userkit'] as const,
  me: () => [...userKeys.all, 'me'] as const,
  stats: () => [...userKeys.all, 'stats'] as const,
  users: () => [...userKeys.all, 'users'] as const,
  lists: () => [...userKeys.users(), 'list'] as const,
  list: (query: ListUsersQueryInput = {}) => [...userKeys.lists(), query] as const,
  details: () => [...userKeys.users(), 'detail'] as const,
  detail: (id: number) => [...userKeys.details(), id] as const,
  activity: (id: number, query: PageQueryInput = {}) => [...userKeys.detail(id), 'activity', query] as const,
  credits: (id: number, query: PageQueryInput = {}) => [...userKeys.detail(id), 'credits', query] as const,
};
