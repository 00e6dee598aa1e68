/**
 * The statements the repository runs on (nearly) every request, by SQL text. A pool made by
 * `createDatabase` runs them as named prepared statements: PostgreSQL parses and plans each once
 * per connection instead of on every call (see docs/benchmarks.md).
 * Their SQL selects an explicit column list, so a migration that adds columns never changes a
 * prepared statement's result type.
 */
const names = new Map<string, string>();

/** Marks `sql` as hot; the same text always gets the same name. */
export function markHotStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `userkit_hot_${names.size + 1}`);
}

/** The statement name of a hot SQL text, or undefined for any other statement. */
export function hotStatementName(sql: string): string | undefined {
  return names.get(sql);
}
