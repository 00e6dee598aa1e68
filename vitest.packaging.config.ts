import { defineConfig } from 'vitest/config';

/** `npm run test:pack`: the packaging test, run after `npm run build`. */
export default defineConfig({
  test: { include: ['test/packaging.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
});
