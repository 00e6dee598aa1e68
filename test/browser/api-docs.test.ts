/**
 * `/api/docs` in a real browser: headless Chromium (the system's, never a downloaded one) loads the
 * page, Swagger UI renders the document's routes and its Authorize button, and every request the
 * page makes stays on the server's origin (no CDN).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { JwtTokens, MemoryMailer, MemoryUserRepository, UserService } from '@userkit/core/server';
import { createUserkitApp } from '@userkit/hono';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swaggerUiAssets } from '../../examples/server/src/api-docs-assets';

const userDataDir = mkdtempSync(join(tmpdir(), 'userkit-chromium-'));
let server: Server;
let base: string;
let browser: BrowserContext;

beforeAll(async () => {
  const service = new UserService({ repository: new MemoryUserRepository(), mailer: new MemoryMailer() });
  const app = createUserkitApp({ service, tokens: new JwtTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256-0123' }), docs: swaggerUiAssets() });
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(userDataDir, { recursive: true, force: true });
});

describe('/api/docs', () => {
  it('renders the API reference with its routes and Authorize, loading nothing from elsewhere', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/api/docs`);
    expect(await page.title()).toBe('userkit API reference');
    const route = page.locator('.opblock-summary-path', { hasText: '/users/{id}' }).first();
    await route.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('.info .title').first().textContent()).toContain('userkit API');
    expect(await page.locator('button.authorize').count()).toBe(1);
    expect(requested.filter((url) => !url.startsWith(base) && !url.startsWith('data:'))).toEqual([]);
    expect(requested).toContain(`${base}/api/openapi.json`);
    expect(errors).toEqual([]);
    if (process.env['USERKIT_DOCS_SCREENSHOT']) await page.screenshot({ path: process.env['USERKIT_DOCS_SCREENSHOT'], fullPage: false });
  });
});
