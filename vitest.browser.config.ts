import { defineConfig } from 'vitest/config';
import { browserProjects } from './vitest.workspace.ts';

/** `npm run test:browser`: the tests in headless Chromium, kept out of `npm test` (they need /usr/bin/chromium). */
export default defineConfig({
  test: {
    projects: browserProjects,
  },
});
