/**
 * Loads an optional peer dependency on first use. `@userkit/kysely` never imports `pg`, PGlite or
 * the PGlite dialect at the top of a module: an app on PostgreSQL installs only `pg`, an app that
 * passes its own Kysely installs neither, and a missing one is a clear error, not a crash at import.
 */

/** Node's codes for a package that is not installed (ESM and CJS). */
const notFound = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** True when `error` is Node's "package not installed" (ESM or CJS). */
export function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && notFound.has(code);
}

/**
 * Runs `load` (a dynamic `import()`); when the module is not installed, rejects with an Error that
 * says what needs it and the `npm install` line that fixes it. Other errors pass through.
 *
 * @example
 * ```ts
 * const pg = await importOptionalPeer(() => import('pg'), 'createDatabase({ url })', ['pg']);
 * ```
 */
export async function importOptionalPeer<T>(load: () => Promise<T>, feature: string, packages: readonly string[]): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
    throw new Error(`userkit: ${feature} needs ${packages.join(' and ')}, optional peer dependencies of @userkit/kysely that are not installed: npm install ${packages.join(' ')}`, { cause: error });
  }
}
