import { defineConfig } from 'tsup';

/** Bundles the example with the @userkit packages from source, so `npm start` needs no package build. */
export default defineConfig({
  entry: ['src/main.ts', 'src/bootstrap.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  noExternal: [/^@userkit\//],
  esbuildOptions(options) {
    options.conditions = ['@userkit/source'];
  },
});
