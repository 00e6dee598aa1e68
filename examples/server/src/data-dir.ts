/**
 * The data directory (USERKIT_DATA_DIR): the PGlite database, the persisted JWT secret and the
 * mail outbox, all secrets. It must be private to the server's user. A directory that already
 * exists with group or world access is tightened to 700, and the start-up banner says so; when it
 * cannot be (another user owns it), the server refuses to start.
 *
 * PGlite writes its files with mode 666 whatever the umask, so after opening, the tree is
 * tightened too (files 600, directories 700). Files PGlite makes later are again 666, but sit in
 * a directory nobody else may enter.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './startup-error';

/** Creates the directory (mode 700) or tightens it; resolves to the mode it had when that was loose. */
export function prepareDataDir(dir: string): { tightenedFrom: number | undefined } {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StartupError(`cannot create the data directory ${dir} (USERKIT_DATA_DIR): ${(error as Error).message}`);
  }
  const info = statSync(dir);
  if (!info.isDirectory()) throw new StartupError(`the data directory ${dir} (USERKIT_DATA_DIR) is not a directory`);
  const mode = info.mode & 0o777;
  if ((mode & 0o077) === 0) return { tightenedFrom: undefined };
  try {
    chmodSync(dir, 0o700);
  } catch (error) {
    throw new StartupError(
      `the data directory ${dir} (USERKIT_DATA_DIR) is open to other users (mode ${mode.toString(8)}) and cannot be made private (${(error as NodeJS.ErrnoException).code ?? 'error'}): run chmod 700 on it or choose another directory`,
    );
  }
  return { tightenedFrom: mode };
}

/** Takes group and world access away from every file and directory under `dir`. */
export function restrictTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) chmodSync(path, 0o700);
    else if (entry.isFile() && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

/** The JWT secret: the configured one, else the one kept in the data directory (made on first start). */
export function jwtSecretFor(configured: string | undefined, dataDir: string): { secret: string; source: 'env' | 'data-dir' | 'generated' } {
  if (configured !== undefined) return { secret: configured, source: 'env' };
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (Buffer.byteLength(secret) < 32) throw new StartupError(`the JWT secret in ${file} is shorter than 32 bytes: delete the file to have a new one made, or set USERKIT_JWT_SECRET`);
    return { secret, source: 'data-dir' };
  }
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, source: 'generated' };
}
