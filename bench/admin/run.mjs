/**
 * `npm run bench:admin`: bundles the admin benchmark (bench/admin/*.ts, with the @userkit
 * packages from source, like examples/server) with esbuild and runs it. Third-party packages load
 * from node_modules, so the bundle goes under node_modules/.cache.
 *
 * Environment: DATABASE_URL (PostgreSQL server; default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_ADMIN_SIZES (default 10000,100000,1000000: the cost growth of the list and search shapes), BENCH_ADMIN_STORES (default postgres,pglite),
 * BENCH_ADMIN_ITERATIONS (list iterations per scenario, default 200), BENCH_ADMIN_IMPORT_ROWS
 * (default 100000), BENCH_ADMIN_SCENARIO_BUDGET_MS (default 30000), BENCH_ADMIN_WRITE_DOCS
 * (default 1: update docs/benchmarks.md). `npm run bench:admin -- --docs-only` re-renders the docs
 * section from bench/results/admin-latest.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const outdir = join(root, 'node_modules/.cache/userkit-bench-admin');
mkdirSync(outdir, { recursive: true });

await build({
  entryPoints: { main: join(here, 'main.ts'), 'export-child': join(here, 'export-child.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@userkit/source'],
  sourcemap: 'inline',
  logLevel: 'warning',
  plugins: [
    {
      // Only the @userkit packages and local files are bundled; the rest stays in node_modules.
      name: 'external-node-modules',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@userkit/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
});

const child = spawn(process.execPath, ['--enable-source-maps', '--expose-gc', join(outdir, 'main.mjs'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, BENCH_ADMIN_BUNDLE_DIR: outdir, BENCH_ADMIN_ROOT: root },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
