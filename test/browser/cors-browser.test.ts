/**
 * CORS in a real browser (headless Chromium, Debian's /usr/bin/chromium, driven by
 * playwright-core; never a downloaded browser): a page on one loopback origin calls the API on
 * another through the typed client. A listed origin signs in and reads /users/me; an unlisted one
 * is refused by the browser. Not part of `npm test` (it needs Chromium): `npm run test:browser`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { JwtTokens, MemoryMailer, MemoryUserRepository, UserService } from '@userkit/core/server';
import { createUserkitApp } from '@userkit/hono';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastTestHasher } from '../http/fast-hasher';
import type { PageOutcome } from './cors-page-entry';

const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const secret = 'browser-test-secret-that-is-long-enough-for-hs256';
const email = 'page@example.com';
const password = 'a sturdy browser passphrase';

let bundle: string;
let context: BrowserContext;
let userDataDir: string;
const servers: Server[] = [];

/** A tiny page server on 127.0.0.1: the page and its bundled script. */
async function pageServer(): Promise<string> {
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return void res.end(bundle);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><meta charset="utf-8"><title>userkit CORS</title><script src="/page.js"></script></head><body>userkit</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The API on `localhost` (a different origin from 127.0.0.1), allowing `origins`. */
async function apiServer(origins: string[]): Promise<string> {
  const repository = new MemoryUserRepository();
  const hasher = new FastTestHasher();
  const service = new UserService({ repository, mailer: new MemoryMailer(), hasher, codeSecret: secret });
  const now = new Date();
  await repository.insert({ email, password_hash: await hasher.hash(password), user_type: 'customer', status: 'active', email_verified: true, created_at: now, updated_at: now });
  const app = createUserkitApp({ service, tokens: new JwtTokens({ secret }), cors: { origins } });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  servers.push(server);
  return `http://localhost:${(server.address() as AddressInfo).port}/api`;
}

async function runPage(pageUrl: string, apiUrl: string): Promise<PageOutcome> {
  const page = await context.newPage();
  try {
    await page.goto(pageUrl);
    return await page.evaluate(
      ([api, user, pass]) => (globalThis as unknown as { signInAndReadMe(a: string, e: string, p: string): Promise<PageOutcome> }).signInAndReadMe(api, user, pass),
      [apiUrl, email, password] as const,
    );
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  const result = await build({
    entryPoints: [join(import.meta.dirname, 'cors-page-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@userkit/source'],
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]?.text ?? '';
  userDataDir = mkdtempSync(join(tmpdir(), 'userkit-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await context?.close();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('CORS in Chromium', () => {
  it('a page on a listed origin signs in and reads /users/me through the client', async () => {
    const pageUrl = await pageServer();
    const apiUrl = await apiServer([pageUrl]);
    expect(new URL(pageUrl).origin).not.toBe(new URL(apiUrl).origin);
    const outcome = await runPage(pageUrl, apiUrl);
    expect(outcome).toMatchObject({ ok: true, email });
    if (outcome.ok) expect(outcome.etag).toMatch(/^"\d+\.\d+"$/);
  });

  it('a page on an unlisted origin is refused by the browser', async () => {
    const listed = await pageServer();
    const other = await pageServer();
    const apiUrl = await apiServer([listed]);
    expect(await runPage(other, apiUrl)).toMatchObject({ ok: false, step: 'login', code: 'NETWORK' });
  });
});
