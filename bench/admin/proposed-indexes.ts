/**
 * Indexes the benchmark proposes for a future migration (not applied by the product): measured by
 * creating them on the seeded database after the baseline, listing again, and dropping them.
 *
 * Empty now: migration 3 (`0003_list_indexes`) shipped the previous proposal — live-only
 * created_at, name and email sort indexes and one trigram index on a generated search column.
 * Add statements here to measure the next idea; the phase is skipped while the list is empty.
 */
export const proposedIndexes: { create: string[]; names: string[]; replaces: string[] } = {
  create: [],
  names: [],
  replaces: [],
};
