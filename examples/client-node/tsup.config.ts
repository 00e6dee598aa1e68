import { defineConfig } from 'tsup';

/** Bundles the example with the @userkit packages from source, so `npm start` needs no package build. */
export default defineConfig({
  entry: ["src/main.ts", "src/sessions.ts"],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  // Third-party packages load from node_modules; only the @userkit sources are bundled.
  skipNodeModulesBundle: true,
  noExternal: [/^@userkit\//],
  esbuildOptions(options) {
    options.conditions = ['@userkit/source'];
  },
});
