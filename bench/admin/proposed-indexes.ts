/**
 * Indexes the benchmark proposes for migration 0002 (not applied by the product): measured by
 * creating them on the seeded database after the baseline, listing again, and dropping them.
 *
 * - users_live_created_at_id_idx replaces users_created_at_id_idx with the same key limited to
 *   live users: the default page is the same backward index scan, and the `total` of an
 *   unfiltered list becomes an index-only scan instead of a sequential scan of the table.
 * - users_name_sort_idx is the ORDER BY key of `sort=name` exactly as the repository writes it
 *   (`lower(coalesce(name, '')) collate "C"`, then id): a page becomes an index scan that stops
 *   after `limit + 1` rows instead of sorting every matching row. The other sort keys
 *   (email collate "C", credits, updated_at, coalesce(last_login, 'epoch')) need the same.
 */
export const proposedIndexes = {
  create: [
    'CREATE INDEX IF NOT EXISTS users_live_created_at_id_idx ON users (created_at, id) WHERE deleted_at IS NULL',
    `CREATE INDEX IF NOT EXISTS users_name_sort_idx ON users ((lower(coalesce(name, '')) COLLATE "C"), id) WHERE deleted_at IS NULL`,
  ],
  names: ['users_live_created_at_id_idx', 'users_name_sort_idx'],
  /** Existing indexes the proposal makes redundant (dropped while measuring, restored after). */
  replaces: ['users_created_at_id_idx'],
};
