/**
 * The test projects. Vitest 4 no longer reads this file by itself: `vitest.config.ts` imports it.
 * Every project resolves `@userkit/*` to source through the `@userkit/source` export condition,
 * so tests need no build.
 */
import type { TestProjectInlineConfiguration } from 'vitest/config';

const conditions = ['@userkit/source'];

function project(name: string, extra: TestProjectInlineConfiguration['test'] = {}, root = `packages/${name}`): TestProjectInlineConfiguration {
  return {
    resolve: { conditions: [...conditions, 'module', 'node', 'development|production'] },
    ssr: { resolve: { conditions: [...conditions, 'node', 'development|production'] } },
    test: {
      name,
      root,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      ...extra,
    },
  };
}

export default [
  project('core'),
  project('kysely', { testTimeout: 30_000, hookTimeout: 60_000 }),
  project('cli', { testTimeout: 30_000, hookTimeout: 60_000 }),
  project('client'),
  project('mock'),
  project('redis'),
  project('react'),
  project('http', { testTimeout: 30_000, hookTimeout: 60_000, include: ['**/*.test.ts'] }, 'test/http'),
  project('client-e2e', { testTimeout: 30_000, hookTimeout: 60_000, include: ['**/*.test.ts'] }, 'test/client'),
  project('examples', { testTimeout: 60_000, hookTimeout: 60_000, include: ['*/src/**/*.test.ts', '*/test/**/*.test.ts'] }, 'examples'),
  project('dashboard', { environment: 'jsdom', include: ['src/**/*.test.tsx'] }, 'examples/dashboard'),
  // Two server processes on one PostgreSQL and one Redis; skipped with a message unless both answer.
  project('multi', { testTimeout: 60_000, hookTimeout: 180_000, include: ['**/*.test.ts'] }, 'test/multi-instance'),
  project('fuzz', { testTimeout: 120_000, hookTimeout: 120_000, include: ['**/*.test.ts'] }, 'test/fuzz'),
];

/**
 * Tests in headless Chromium (`npm run test:browser`): not in the default run, since they need
 * /usr/bin/chromium. `vitest.config.ts` leaves this list out; `vitest.browser.config.ts` runs it.
 */
export const browserProjects = [project('browser', { testTimeout: 60_000, hookTimeout: 60_000, include: ['**/*.test.ts'] }, 'test/browser')];
