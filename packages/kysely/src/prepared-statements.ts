/**
 * The statements the repository runs on (nearly) every request, by SQL text. A pool made by
 * `createDatabase` runs them as named prepared statements: PostgreSQL parses and plans each once
 * per connection instead of on every call (see docs/benchmarks.md).
 * Their SQL selects an explicit column list, so a migration that adds columns never changes a
 * prepared statement's result type.
 */
const names = new Map<string, string>();

/**
 * How many texts may be marked in all. The fixed hot reads take a handful; the rest go to texts
 * whose shape varies with their input (an update's changed columns), first come first served. A
 * connection keeps every statement it prepared, so the bound is also what each connection holds.
 */
export const maxHotStatements = 128;

/**
 * Marks `sql` as hot; the same text always gets the same name. Past {@link maxHotStatements}
 * texts, a new one stays unnamed (parsed on every call, as any other statement) and this
 * answers false.
 */
export function markHotStatement(sql: string): boolean {
  if (names.has(sql)) return true;
  if (names.size >= maxHotStatements) return false;
  names.set(sql, `userkit_hot_${names.size + 1}`);
  return true;
}

/** The statement name of a hot SQL text, or undefined for any other statement. */
export function hotStatementName(sql: string): string | undefined {
  return names.get(sql);
}
