import { defineConfig } from 'tsup';

/** Bundles the example with the @userkit packages from source, so `npm start` needs no package build. */
export default defineConfig({
  entry: ["src/main.ts"],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  noExternal: [/^@userkit(-examples)?\//],
  esbuildOptions(options) {
    options.conditions = ['@userkit/source'];
  },
});
