/** The shape of a bcrypt hash (no bcrypt code: safe for browser bundles). */

/** `$2a$`, `$2b$` or `$2y$`, a two-digit cost, 53 characters of salt and hash. */
export const bcryptHashPattern = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;

/** The cost encoded in a bcrypt hash, or undefined when it is not one. */
export function bcryptCost(hash: string): number | undefined {
  const match = bcryptHashPattern.exec(hash);
  return match ? Number(match[1]) : undefined;
}
