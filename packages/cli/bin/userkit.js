#!/usr/bin/env node
// The `userkit` executable. A committed file rather than a path into dist/: npm links bins when it
// installs, before any build, and a workspace bin whose target is missing is never linked, so
// `npx userkit` failed on a fresh clone even after `npm run build`. This file loads the build.
import('../dist/cli.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('userkit: @userkit/cli is not built: run `npm run build` first\n');
  } else {
    process.stderr.write(`userkit: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});
