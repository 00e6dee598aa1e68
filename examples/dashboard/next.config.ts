import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A static export: every page renders in the browser and calls the API across origins, so any
 * static file server (scripts/serve-static.mjs here) hosts it. In this repository the @userkit
 * packages are resolved to their TypeScript source (what the `@userkit/source` condition does for
 * the tests), so trying the dashboard needs no package build; an app using the published packages
 * drops `turbopack.resolveAlias`.
 */
const config: NextConfig = {
  output: 'export',
  // `/admin/user/?id=7`: one static page per route, the id in the query string.
  trailingSlash: true,
  images: { unoptimized: true },
  // Type-checked by `npm run typecheck` (scripts/typecheck.mjs), once, not again on every build.
  typescript: { ignoreBuildErrors: true },
  turbopack: {
    root,
    resolveAlias: {
      '@userkit/client': './../../packages/client/src/index.ts',
      '@userkit/react': './../../packages/react/src/index.ts',
      '@userkit/core': './../../packages/core/src/index.ts',
    },
  },
};

export default config;
