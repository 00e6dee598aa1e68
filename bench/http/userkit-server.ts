/**
 * A userkit server under test, assembled as examples/server/src/bootstrap.ts does (createDatabase
 * → UserService → JwtTokens → createUserkitApp / createUserkitMiddleware) over a database the
 * seed step already migrated and filled. Started by run.mjs with fork().
 *
 *   --framework hono|express  --db postgres|pglite  --url <postgres url> | --data-dir <pglite dir>
 *   --hasher worker|bcryptjs|default
 *   --list-total-cap <n>   the service's listTotalCap (default: the service's own, 1000)
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { BcryptPasswordHasher, JwtTokens, UserService, type Mailer, type PasswordHasher, type UserkitHandlerOptions } from '@userkit/core/server';
import { WorkerPasswordHasher } from '@userkit/core/node';
import { createUserkitMiddleware } from '@userkit/express';
import { createUserkitApp } from '@userkit/hono';
import { createDatabase } from '@userkit/kysely';
import express from 'express';
import { attachControl, fail, parseArgs, reportReady, required } from './control';
import { benchJwtSecret } from './shared';

/** Mail is not part of any measured route; a mailer that drops messages keeps memory flat. */
const nullMailer: Mailer = { send: async () => {} };


/** The hasher the bench asks for, and what it says about it in the results. */
function chooseHasher(mode: string): { hasher: (PasswordHasher & { close?(): Promise<void> }) | undefined; label: string } {
  if (mode === 'bcryptjs') return { hasher: new BcryptPasswordHasher({ cost: 12 }), label: 'BcryptPasswordHasher (bcryptjs on the main thread), cost 12' };
  if (mode === 'worker') {
    const hasher = new WorkerPasswordHasher({ cost: 12 });
    return { hasher, label: `WorkerPasswordHasher (${hasher.poolSize} worker thread(s)), cost 12` };
  }
  return { hasher: undefined, label: 'UserService default hasher (BcryptPasswordHasher on the main thread)' };
}

async function main(): Promise<void> {
  const args = parseArgs();
  const framework = required(args, 'framework');
  const kind = required(args, 'db');
  const database = await createDatabase(kind === 'postgres' ? { url: required(args, 'url') } : { pglite: { dataDir: required(args, 'data-dir') } });
  const { hasher, label } = chooseHasher(args['hasher'] ?? 'worker');
  const cap = args['list-total-cap'];
  const service = new UserService({ repository: database.repository, mailer: nullMailer, ...(hasher ? { hasher } : {}), ...(cap ? { listTotalCap: Number(cap) } : {}) });
  // Unexpected errors are counted (and the first of each kind printed) instead of logged per
  // request: autocannon aborts in-flight requests at the end of every window.
  const unexpected: Record<string, number> = {};
  const options: UserkitHandlerOptions = {
    service,
    tokens: new JwtTokens({ secret: benchJwtSecret }),
    readiness: () => database.checkMigrations(),
    onError: (error) => {
      const key = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      unexpected[key] = (unexpected[key] ?? 0) + 1;
      if (unexpected[key] === 1) console.error(`  (userkit ${framework}/${kind} onError, first of its kind: ${key})`);
    },
  };

  let server: Server;
  if (framework === 'hono') {
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: createUserkitApp(options).fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
  } else if (framework === 'express') {
    const app = express().disable('x-powered-by').use(createUserkitMiddleware(options));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  } else {
    throw new Error(`unknown framework ${framework}`);
  }
  server.keepAliveTimeout = 60_000;

  attachControl(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
    await hasher?.close?.();
    await database.close();
  }, () => ({ unexpectedErrors: { ...unexpected } }));
  reportReady((server.address() as AddressInfo).port, { hasher: label });
}

main().catch(fail);
