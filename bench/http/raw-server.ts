/**
 * The raw baselines: no userkit, no auth, no validation. GET /users/:id runs a single-row select
 * and answers its JSON: of every public column (`--columns wide`, the row userkit answers) or of
 * id, email, name, type, status and timestamps (`--columns narrow`, what a hand-written endpoint
 * typically reads).
 *
 *   --server http|express  --db postgres|pglite  --url <postgres url> | --data-dir <pglite dir>
 *   --columns wide|narrow (default wide)
 *
 * - http + postgres: node:http and a pg Pool (pg's default size, as createDatabase uses)
 * - express + postgres: plain Express 5 and the same pool
 * - http + pglite: node:http and a PGlite instance over the seeded data directory
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import express from 'express';
import pg from 'pg';
import { attachControl, fail, parseArgs, reportReady, required } from './control';
import { rawSelect } from './shared';

type FindUser = (id: number) => Promise<Record<string, unknown> | undefined>;

async function open(kind: string, args: Record<string, string | undefined>): Promise<{ find: FindUser; close(): Promise<void> }> {
  const select = rawSelect(args['columns'] === 'narrow' ? 'narrow' : 'wide');
  if (kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: required(args, 'url') });
    pool.on('error', () => {});
    return {
      find: async (id) => (await pool.query(select, [id])).rows[0],
      close: () => pool.end(),
    };
  }
  const db = await PGlite.create({ dataDir: required(args, 'data-dir'), extensions: { pg_trgm } });
  return {
    find: async (id) => (await db.query<Record<string, unknown>>(select, [id])).rows[0],
    close: () => db.close(),
  };
}

const idPath = /^\/users\/(\d{1,9})\/?$/;

async function main(): Promise<void> {
  const args = parseArgs();
  const kind = required(args, 'db');
  const { find, close } = await open(kind, args);
  let server: Server;
  if (required(args, 'server') === 'express') {
    const app = express().disable('x-powered-by');
    app.get('/users/:id', async (req, res) => {
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) return void res.status(400).json({ error: 'bad id' });
      const row = await find(id);
      if (!row) return void res.status(404).json({ error: 'not found' });
      res.json(row);
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  } else {
    server = createServer((req, res) => {
      const match = req.method === 'GET' ? idPath.exec(req.url ?? '') : null;
      if (!match) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      find(Number(match[1])).then(
        (row) => {
          const body = JSON.stringify(row ?? { error: 'not found' });
          res.writeHead(row ? 200 : 404, { 'content-type': 'application/json; charset=utf-8' }).end(body);
        },
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  server.keepAliveTimeout = 60_000;
  attachControl(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections?.();
    await close();
  });
  reportReady((server.address() as AddressInfo).port);
}

main().catch(fail);
