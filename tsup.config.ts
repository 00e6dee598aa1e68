/**
 * One build for every package: run `tsup --config ../../tsup.config.ts` from the package folder.
 * Externals come from the package's own package.json. The CJS build bundles dependencies that ship
 * only ESM (jose, ky), so `require()` works on every supported Node and in CJS bundlers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const cwd = process.cwd();
const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  userkit?: { entry?: Record<string, string>; platform?: 'node' | 'neutral' };
};
const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const require = createRequire(join(cwd, 'package.json'));

/** A dependency is ESM-only when its package.json offers no `require` entry point. */
function isEsmOnly(name: string): boolean {
  if (name.startsWith('@userkit/')) return false;
  let manifestPath: string | undefined;
  try {
    manifestPath = require.resolve(`${name}/package.json`);
  } catch {
    return false;
  }
  if (!manifestPath || !existsSync(manifestPath)) return false;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { type?: string; exports?: unknown; main?: string };
  if (manifest.type !== 'module') return false;
  return !JSON.stringify(manifest.exports ?? {}).includes('"require"');
}

const esmOnly = deps.filter(isEsmOnly);
const entry = pkg.userkit?.entry ?? { index: 'src/index.ts' };

const common: Options = {
  entry,
  outDir: 'dist',
  target: 'node20',
  platform: pkg.userkit?.platform ?? 'node',
  sourcemap: true,
  // Entries of one package share their chunks, so a class (UserkitError) exists once and
  // `instanceof` holds across `@userkit/core` and `@userkit/core/server`.
  splitting: Object.keys(entry).length > 1,
  treeshake: true,
  dts: true,
  // Not tsconfig.base.json: without `include` it takes every .d.ts under the repository, and the
  // declaration build then loaded the packages' own dist/*.d.ts, so a second build failed with
  // "Error parsing: packages/core/src/contract-entry.ts" once packages/*/dist existed.
  tsconfig: join(cwd, '../../tsconfig.build.json'),
};

export default defineConfig([
  { ...common, format: ['esm'], clean: true, external: deps },
  { ...common, format: ['cjs'], external: deps.filter((d) => !esmOnly.includes(d)), noExternal: esmOnly },
]);
