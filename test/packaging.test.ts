/**
 * Packs every package with `npm pack`, installs the tarballs into a fresh project outside the
 * repository and imports each entry point (the root and every subpath of `exports`, e.g.
 * `@userkit/core/server`) as ESM and as CJS; runs the `userkit` bin of @userkit/cli there.
 * Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, workspacePackages } from '../scripts/workspace-packages.mjs';

const packages = workspacePackages();
const project = mkdtempSync(join(tmpdir(), 'userkit-pack-'));
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  for (const { path, manifest } of packages) {
    if (!existsSync(join(path, 'dist'))) throw new Error(`${manifest.name} is not built: run npm run build first`);
    run('npm', ['pack', '--pack-destination', project, '--silent'], path);
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'userkit-pack-check', private: true, version: '1.0.0' }));
  const tarballs = readdirSync(project).filter((f) => f.endsWith('.tgz')).map((f) => `./${f}`);
  // vitest: the optional peer of the testing kits (@userkit/core/testing, @userkit/kysely/testing), as a store's own test setup would have it.
  const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs, `vitest@${devDependencies.vitest}`], project);
}, 300_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Every entry point of every package: `name` for `.`, `name/sub` for `./sub`. */
const entries = packages.flatMap(({ manifest }) => {
  const name = manifest.name as string;
  const keys = Object.keys((manifest.exports as Record<string, unknown> | undefined) ?? { '.': null }).filter((key) => key !== './package.json');
  return keys.map((key) => (key === '.' ? name : `${name}${key.slice(1)}`));
});

it('finds the subpath entries too', () => {
  expect(entries).toEqual(expect.arrayContaining(['@userkit/core', '@userkit/core/server', '@userkit/core/node', '@userkit/core/testing', '@userkit/kysely/testing', '@userkit/mock/browser']));
});

describe.each(entries)('%s from its tarball', (name) => {
  const esmKeys = () =>
    JSON.parse(run('node', ['--input-type=module', '-e', `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).sort()))`], project)) as string[];
  const cjsKeys = () =>
    JSON.parse(run('node', ['-e', `const m = require(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== '__esModule' && k !== 'default').sort()))`], project)) as string[];

  it('imports as ESM and requires as CJS with the same named exports', () => {
    const esm = esmKeys().filter((k) => k !== 'default');
    expect(esm.length).toBeGreaterThan(0);
    // The testing kits run under vitest, and vitest itself refuses require(): their CJS builds
    // resolve, and the error is vitest's own.
    if (name.endsWith('/testing')) expect(cjsKeys).toThrow(/Vitest cannot be imported in a CommonJS module/);
    else expect(cjsKeys()).toEqual(esm);
  });

});

describe.each(packages.map((p) => p.manifest.name as string))('%s tarball', (name) => {
  it('ships no test files', () => {
    const dir = join(project, 'node_modules', ...name.split('/'));
    const listing = run('find', [dir, '-name', '*.test.*'], project).trim();
    expect(listing).toBe('');
  });
});

describe('the userkit bin of @userkit/cli from its tarball', () => {
  // `--no`: never install a package of that name from the registry, should the bin be missing.
  const userkit = (...args: string[]) => run('npx', ['--no', '--', 'userkit', ...args], project);
  const { version } = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string };

  it('prints the version', () => {
    expect(existsSync(join(project, 'node_modules', '.bin', 'userkit'))).toBe(true);
    expect(userkit('--version').trim()).toBe(`userkit ${version} (@userkit/cli)`);
  });

  it('migrates a PGlite database, loading the optional peers of @userkit/kysely', () => {
    const dataDir = join(project, 'data');
    const applied = userkit('migrate', '--data-dir', dataDir);
    // Every migration of this repository's @userkit/kysely (one file each), as packed.
    const migrationFiles = readdirSync(join(root, 'packages/kysely/src/migrations')).filter((file) => /^\d{4}-.*\.ts$/.test(file));
    expect(migrationFiles.length).toBeGreaterThan(3);
    expect(applied).toContain(`Applied ${migrationFiles.length} migrations`);
    expect(JSON.parse(userkit('stats', '--data-dir', dataDir))).toMatchObject({ total: 0 });
  });
});
