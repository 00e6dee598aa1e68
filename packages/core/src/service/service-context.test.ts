/**
 * The service's defaults: it runs where the mock runs (a browser bundle has no worker threads),
 * so the worker pool is something a Node server passes in, never something the service imports.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BcryptPasswordHasher } from '../bcrypt-password-hasher';
import { MemoryMailer } from '../mailer';
import { MemoryUserRepository } from '../memory-user-repository';
import { ServiceContext } from './service-context';

const coreSource = fileURLToPath(new URL('..', import.meta.url));

describe('the service context', () => {
  it('defaults to the in-thread bcrypt hasher and takes the one it is given', () => {
    const repository = new MemoryUserRepository();
    const mailer = new MemoryMailer();
    expect(new ServiceContext({ repository, mailer }).hasher).toBeInstanceOf(BcryptPasswordHasher);
    const given = new BcryptPasswordHasher({ cost: 10 });
    expect(new ServiceContext({ repository, mailer, hasher: given }).hasher).toBe(given);
  });

  it('UserService bundles for the browser without the worker pool or node:worker_threads', async () => {
    const result = await build({
      stdin: { contents: "export { UserService } from './user-service';", resolveDir: coreSource, loader: 'ts' },
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
      conditions: ['@userkit/source'],
      // The CSV parser is loaded on demand by the import only (a Node stream parser).
      external: ['csv-parse'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.endsWith('user-service.ts'))).toBe(true);
    expect(inputs.filter((path) => /worker-password-hasher|worker_threads/.test(path))).toEqual([]);
  });
});
