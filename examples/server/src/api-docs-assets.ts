/**
 * Swagger UI's files for the handler's `docs` option (core's api-docs.ts): read from the
 * `swagger-ui-dist` package installed with this server, never a CDN. Node-only, which is why it
 * lives here and not in core.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { apiDocsFiles, type ApiDocsAssets, type ApiDocsFile } from '@userkit/core/server';

/**
 * The assets, read once on first use and kept in memory (about 1.5 MB).
 *
 * @example
 * ```ts
 * createUserkitHandler({ service, tokens, docs: swaggerUiAssets() }); // GET /api/docs
 * ```
 */
export function swaggerUiAssets(): ApiDocsAssets {
  // The package's directory, found without loading its 1.5 MB entry module.
  const root = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<ApiDocsFile, Promise<string>>();
  return {
    read(name) {
      if (!Object.hasOwn(apiDocsFiles, name)) return undefined;
      let text = cache.get(name);
      if (!text) cache.set(name, (text = readFile(join(root, name), 'utf8')));
      return text;
    },
  };
}
