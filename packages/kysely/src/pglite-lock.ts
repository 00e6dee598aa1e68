/**
 * One process per PGlite data directory. PGlite takes no lock of its own: a second process on the
 * same directory starts as if alone, each process then works on its own copy of the pages (a
 * user registered through one is missing in the other) and the first to close removes the
 * other's `postmaster.pid`. {@link lockPgliteDirectory} makes the second opener fail at once.
 *
 * The lock is a file, `userkit.lock`, inside the data directory, holding the owner's process id.
 * It is created with `link()` from a file already holding the id, so it is exclusive and never
 * seen empty. A lock whose process is gone (killed, crashed, a container restarted) is stale and
 * taken over. Known limit: two processes taking over the same stale lock in the same instant can
 * both succeed; starting one process per data directory at a time avoids it.
 */
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The lock file's name inside the data directory. */
export const pgliteLockFileName = 'userkit.lock';

/** Thrown when another live process (or this one) already has the data directory open. */
export class PgliteLockedError extends Error {
  override readonly name = 'PgliteLockedError';

  constructor(
    /** The data directory. */
    readonly dataDir: string,
    /** The process holding it. */
    readonly pid: number,
    /** The lock file, for the operator who knows better than the check. */
    readonly lockFile: string,
  ) {
    super(
      pid === process.pid
        ? `the PGlite database in ${dataDir} is already open in this process: close it first (PGlite allows one opener per data directory)`
        : `the PGlite database in ${dataDir} is in use by process ${pid}: PGlite allows one process per data directory, so stop that process or use another data directory (if no such process runs, delete ${lockFile})`,
    );
  }
}

/** A held lock. */
export interface PgliteLock {
  readonly path: string;
  /** Removes the lock file; idempotent. */
  release(): void;
}

/** Lock files this process holds: a second open in the same process is refused too. */
const held = new Set<string>();

/**
 * Whether a process with this id runs (EPERM: it exists but belongs to another user). A zombie
 * (exited, not yet reaped by its parent) answers signal 0 too; on Linux its state says so.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function ownerOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `path` holding this process's id, or returns false when it exists. */
function tryCreate(path: string): boolean {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Locks a PGlite data directory for this process, creating the directory (mode 700) when
 * missing. PGlite's non-directory stores (`memory://`, `idb://`) need no lock: a no-op is returned.
 *
 * @throws PgliteLockedError when a live process holds the directory.
 */
export function lockPgliteDirectory(dataDir: string): PgliteLock {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir) && !dataDir.startsWith('file://')) return { path: '', release: () => {} };
  const directory = resolve(dataDir.replace(/^file:\/\//, ''));
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, pgliteLockFileName);
  if (held.has(path)) throw new PgliteLockedError(directory, process.pid, path);
  if (!tryCreate(path)) {
    const owner = ownerOf(path);
    // Our own id without our own entry in `held`: a previous run with the same id (containers
    // reuse small ids), so stale as well.
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) throw new PgliteLockedError(directory, owner, path);
    rmSync(path, { force: true });
    if (!tryCreate(path)) throw new PgliteLockedError(directory, ownerOf(path) ?? 0, path);
  }
  held.add(path);
  // Also released when the process exits without closing the database (the lock would be stale
  // anyway; this keeps a container restarted with the same process id from seeing it).
  const onExit = () => release();
  function release(): void {
    if (!held.delete(path)) return;
    process.off('exit', onExit);
    if (ownerOf(path) === process.pid) rmSync(path, { force: true });
  }
  process.on('exit', onExit);
  return { path, release };
}
