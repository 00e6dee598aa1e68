import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteLockedError, createDatabase, lockPgliteDirectory, pgliteLockFileName } from '../src/index';

const root = mkdtempSync(join(tmpdir(), 'userkit-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The id of a process that has exited: a stale lock's owner. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('lockPgliteDirectory', () => {
  it('creates the directory and a lock holding the pid, removed on release', () => {
    const dir = join(root, 'fresh');
    const lock = lockPgliteDirectory(dir);
    expect(readFileSync(join(dir, pgliteLockFileName), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    lock.release();
    expect(existsSync(join(dir, pgliteLockFileName))).toBe(false);
  });

  it('refuses a directory that a live process holds, naming the process', () => {
    const dir = join(root, 'held');
    lockPgliteDirectory(dir).release();
    // The parent process (vitest's) is alive and is not this one.
    writeFileSync(join(dir, pgliteLockFileName), `${process.ppid}\n`);
    expect(() => lockPgliteDirectory(dir)).toThrow(PgliteLockedError);
    expect(() => lockPgliteDirectory(dir)).toThrow(`in use by process ${process.ppid}`);
    expect(readFileSync(join(dir, pgliteLockFileName), 'utf8').trim()).toBe(String(process.ppid));
  });

  it('takes over a stale lock whose process is gone', () => {
    const dir = join(root, 'stale');
    lockPgliteDirectory(dir).release();
    writeFileSync(join(dir, pgliteLockFileName), `${deadPid()}\n`);
    const lock = lockPgliteDirectory(dir);
    expect(readFileSync(lock.path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('needs no lock for in-memory PGlite', () => {
    expect(() => lockPgliteDirectory('memory://').release()).not.toThrow();
  });
});

describe('createDatabase on a PGlite directory', () => {
  it('refuses a second opener until the first closes', async () => {
    const dir = join(root, 'pglite');
    const first = await createDatabase({ pglite: { dataDir: dir } });
    try {
      await expect(createDatabase({ pglite: { dataDir: dir } })).rejects.toThrow('already open in this process');
    } finally {
      await first.close();
    }
    expect(existsSync(join(dir, pgliteLockFileName))).toBe(false);
    const second = await createDatabase({ pglite: { dataDir: dir } });
    await second.close();
  });
});
