import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the `browser` project — pages in headless Chromium (`/usr/bin/chromium`,
 * the system's; no browser is ever downloaded). Not part of `npm test`.
 */
export default defineConfig({
  resolve: { conditions: ['@userkit/source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['@userkit/source', 'node', 'development|production'] } },
  test: {
    projects: [
      {
        resolve: { conditions: ['@userkit/source', 'module', 'node', 'development|production'] },
        ssr: { resolve: { conditions: ['@userkit/source', 'node', 'development|production'] } },
        test: { name: 'browser', root: 'test/browser', include: ['**/*.test.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});
