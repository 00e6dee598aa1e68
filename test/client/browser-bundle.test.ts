/**
 * Browser-bundle guard (docs/client.md#browser-bundle): `@userkit/client` bundled for the browser, from source, must not
 * pull in server code — no kysely, pg, bcryptjs, jose, PGlite, no `node:` built-ins, and none of
 * core's server modules.
 *
 * Two independent checks: the bundler's own list of input files (metafile), and marker strings in
 * the minified output. Each marker is first shown to appear in a bundle of its own module, so a
 * marker that a library update removed fails loudly here instead of passing silently.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Forbidden {
  name: string;
  /** What to bundle to show the markers are real (the module as a server would import it). */
  control: string;
  /** Input paths of the module (as in the metafile). */
  path: RegExp;
  /** Strings that survive minification when the module is bundled. */
  markers: string[];
}

const forbidden: Forbidden[] = [
  { name: 'kysely', control: "export * from 'kysely'", path: /node_modules\/kysely\//, markers: ['SelectQueryNode'] },
  {
    name: 'pg (pg, pg-pool, pg-protocol)',
    control: "export { default } from 'pg'",
    path: /node_modules\/(pg|pg-pool|pg-protocol|pg-types|pg-connection-string|pgpass)\//,
    markers: ['SCRAM-SHA-256', 'Cannot use a pool after calling end on the pool'],
  },
  { name: 'bcryptjs', control: "export { default } from 'bcryptjs'", path: /node_modules\/bcrypt(js)?\//, markers: ['Illegal salt', '$2b$'] },
  { name: 'jose', control: "export * from 'jose'", path: /node_modules\/jose\//, markers: ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'JWSSignatureVerificationFailed'] },
  { name: 'PGlite', control: "export * from '@electric-sql/pglite'", path: /node_modules\/@electric-sql\/pglite\//, markers: ['PGlite'] },
];

/** core's server side: none of it belongs in a browser bundle. */
const coreServerModules =
  /packages\/core\/src\/(user-service|request-handler|bcrypt-password-hasher|jwt-tokens|authenticator|memory-user-repository|rate-limiter|rate-limit-store|body-reader|operations|password-policy|common-passwords|verification-code|mailer)\.ts$/;

const common: BuildOptions = { bundle: true, minify: true, format: 'esm', write: false, metafile: true, logLevel: 'silent', absWorkingDir: root };

interface Bundle {
  text: string;
  metafile: Metafile;
}

async function bundle(contents: string, options: BuildOptions): Promise<Bundle> {
  const result = await build({ ...common, ...options, stdin: { contents, resolveDir: root, loader: 'ts' } });
  const files = result.outputFiles ?? [];
  // Without an outdir the one output is `<stdout>`; with one (asset loaders), pick the JavaScript.
  const output = files.length === 1 ? files[0] : files.find((f) => f.path.endsWith('.js'));
  if (!output || !result.metafile) throw new Error('esbuild produced no JavaScript');
  return { text: output.text, metafile: result.metafile };
}

describe('the @userkit/client browser bundle', () => {
  let client: Bundle;
  let inputs: string[];

  beforeAll(async () => {
    client = await bundle("export * from '@userkit/client';", { platform: 'browser', conditions: ['@userkit/source'] });
    inputs = Object.keys(client.metafile.inputs);
  });

  it('bundles the client from source, with the contract', () => {
    expect(inputs).toContain('packages/client/src/index.ts');
    expect(inputs).toContain('packages/core/src/contract.ts');
    // The contract's routes and codes are really in there (so "absent" below means something).
    expect(client.text).toContain('/users/:id');
    expect(client.text).toContain('PRECONDITION_FAILED');
  });

  it('reports its size', () => {
    const minified = Buffer.byteLength(client.text);
    const gzip = gzipSync(client.text).byteLength;
    console.log(`@userkit/client browser bundle (esm, minified, zod and ky included): ${minified} bytes minified, ${gzip} bytes gzip (${(minified / 1024).toFixed(1)} KiB / ${(gzip / 1024).toFixed(1)} KiB)`);
    expect(minified).toBeGreaterThan(0);
  });

  it('imports nothing from outside (no node: built-ins, nothing left external)', () => {
    for (const output of Object.values(client.metafile.outputs)) expect(output.imports).toEqual([]);
    expect(inputs.filter((i) => i.startsWith('node:') || !/^(packages|node_modules|<stdin>)/.test(i))).toEqual([]);
    expect(client.text).not.toMatch(/["'`]node:[a-z_/]+["'`]/);
  });

  it("contains none of core's server modules", () => {
    expect(inputs.filter((i) => coreServerModules.test(i))).toEqual([]);
  });

  // Not server code, but dead weight: `import { z } from 'zod'` (the named `z`) keeps every
  // locale of zod in the bundle, where `import * as z from 'zod'` lets them be dropped.
  it("carries none of zod's locales but English (the client never switches zod's language)", () => {
    const inOutput = (i: string) => Object.values(client.metafile.outputs)[0]?.inputs[i]?.bytesInOutput ?? 0;
    // esbuild lists every file it looked at; a locale counts only if some of it reached the output.
    const locales = inputs.filter((i) => /node_modules\/zod\/.*\/locales\/(?!en\.js$)[^/]+\.js$/.test(i) && inOutput(i) > 0);
    const bytes = locales.reduce((sum, i) => sum + inOutput(i), 0);
    expect(locales, `${locales.length} zod locales, ${bytes} bytes of the minified bundle`).toEqual([]);
  });

  describe.each(forbidden)('contains no $name', (module) => {
    it('in its inputs', () => {
      expect(inputs.filter((i) => module.path.test(i))).toEqual([]);
    });

    it('in its output (markers checked against a bundle of the module itself)', async () => {
      const control = await bundle(module.control, { platform: 'node', outdir: 'dist/bundle-guard', loader: { '.wasm': 'file', '.data': 'file' } });
      for (const marker of module.markers) expect(control.text, `marker ${JSON.stringify(marker)} no longer appears in ${module.name}: pick another`).toContain(marker);
      for (const marker of module.markers) expect(client.text, `${module.name} marker ${JSON.stringify(marker)}`).not.toContain(marker);
    });
  });
});

// @userkit/react: the hooks on top of the client. React and TanStack Query are peers, left external
// (the app bundles them anyway); everything else must be browser code, like the client's.
describe('the @userkit/react browser bundle', () => {
  const peers = ['react', 'react-dom', '@tanstack/react-query'];
  let hooks: Bundle;
  let inputs: string[];

  beforeAll(async () => {
    hooks = await bundle("export * from '@userkit/react';", { platform: 'browser', conditions: ['@userkit/source'], external: peers });
    inputs = Object.keys(hooks.metafile.inputs);
  });

  it('bundles the hooks from source, and reports their size alone and with the client an app creates', async () => {
    expect(inputs).toContain('packages/react/src/index.ts');
    const size = (text: string) => `${Buffer.byteLength(text)} bytes minified, ${gzipSync(text).byteLength} bytes gzip (${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB / ${(gzipSync(text).byteLength / 1024).toFixed(1)} KiB)`;
    // The hooks use the client's errors, not createUserClient: the app imports that itself.
    const app = await bundle("export * from '@userkit/react'; export { createUserClient } from '@userkit/client';", { platform: 'browser', conditions: ['@userkit/source'], external: peers });
    console.log(`@userkit/react browser bundle (esm, minified; react and @tanstack/react-query external): ${size(hooks.text)}`);
    console.log(`@userkit/react with createUserClient (zod and ky included; peers external): ${size(app.text)}`);
    expect(Buffer.byteLength(app.text)).toBeGreaterThan(Buffer.byteLength(hooks.text));
  });

  it('imports nothing but its peers (no node: built-ins)', () => {
    const imported = Object.values(hooks.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect([...new Set(imported)].filter((path) => !peers.includes(path))).toEqual([]);
    expect(hooks.text).not.toMatch(/["'`]node:[a-z_/]+["'`]/);
  });

  it("contains no server code: none of core's server modules, no kysely, pg, bcryptjs, jose or PGlite", () => {
    expect(inputs.filter((i) => coreServerModules.test(i))).toEqual([]);
    for (const module of forbidden) {
      expect(inputs.filter((i) => module.path.test(i)), module.name).toEqual([]);
      for (const marker of module.markers) expect(hooks.text, `${module.name} marker ${JSON.stringify(marker)}`).not.toContain(marker);
    }
  });
});

/** Node-only code by its input path: built-ins, worker threads, database drivers, core's Node entry. */
const nodeOnly = /^node:|worker_threads|node_modules\/(pg|pg-pool|pg-protocol|kysely|@electric-sql\/pglite)\/|packages\/core\/src\/(worker-password-hasher|node)\.ts$/;

// @userkit/core's root entry is the browser-safe part of core: a frontend bundles it for the
// contract, schemas, errors and policy, and must get none of the server along.
describe('the @userkit/core root entry in a browser bundle', () => {
  let core: Bundle;
  let inputs: string[];

  beforeAll(async () => {
    core = await bundle("export * from '@userkit/core';", { platform: 'browser', conditions: ['@userkit/source'] });
    inputs = Object.keys(core.metafile.inputs);
  });

  it('bundles the contract and the schemas from source', () => {
    expect(inputs).toContain('packages/core/src/index.ts');
    expect(inputs).toContain('packages/core/src/contract.ts');
    expect(core.text).toContain('PRECONDITION_FAILED');
  });

  it('imports nothing from outside (no node: built-ins)', () => {
    for (const output of Object.values(core.metafile.outputs)) expect(output.imports).toEqual([]);
    expect(inputs.filter((i) => nodeOnly.test(i))).toEqual([]);
    expect(core.text).not.toMatch(/["'`]node:[a-z_/]+["'`]/);
  });

  it("contains none of core's server modules, no bcryptjs, jose, kysely, pg or PGlite", () => {
    expect(inputs.filter((i) => coreServerModules.test(i))).toEqual([]);
    for (const module of forbidden) {
      expect(inputs.filter((i) => module.path.test(i)), module.name).toEqual([]);
      for (const marker of module.markers) expect(core.text, `${module.name} marker ${JSON.stringify(marker)}`).not.toContain(marker);
    }
  });
});

// @userkit/mock/browser runs the real core in a tab (msw's service worker): the service, the
// handler, bcryptjs and jose are expected there; Node-only code is not.
describe('the @userkit/mock/browser bundle', () => {
  const serverOnly = forbidden.filter((module) => !['bcryptjs', 'jose'].includes(module.name));
  let mock: Bundle;
  let inputs: string[];

  beforeAll(async () => {
    mock = await bundle("export * from '@userkit/mock/browser';", { platform: 'browser', conditions: ['@userkit/source'] });
    inputs = Object.keys(mock.metafile.inputs);
  });

  it('bundles the real core: the service, the handler, bcrypt and jose', () => {
    expect(inputs).toContain('packages/mock/src/browser.ts');
    expect(inputs).toContain('packages/core/src/user-service.ts');
    expect(inputs).toContain('packages/core/src/request-handler.ts');
    expect(inputs.some((i) => /node_modules\/bcryptjs\//.test(i))).toBe(true);
    expect(inputs.some((i) => /node_modules\/jose\/dist\/webapi\//.test(i))).toBe(true);
  });

  it('imports nothing from outside and holds no Node-only code (no node:*, worker_threads, pg, kysely, PGlite)', () => {
    for (const output of Object.values(mock.metafile.outputs)) expect(output.imports).toEqual([]);
    expect(inputs.filter((i) => nodeOnly.test(i))).toEqual([]);
    expect(mock.text).not.toMatch(/["'`]node:[a-z_/]+["'`]/);
    expect(mock.text).not.toContain('worker_threads');
    for (const module of serverOnly) {
      expect(inputs.filter((i) => module.path.test(i)), module.name).toEqual([]);
      for (const marker of module.markers) expect(mock.text, `${module.name} marker ${JSON.stringify(marker)}`).not.toContain(marker);
    }
  });
});
