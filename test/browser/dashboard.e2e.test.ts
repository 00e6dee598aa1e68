/**
 * The dashboard end to end in a real browser: headless Chromium (Debian's /usr/bin/chromium driven
 * by playwright-core; never a downloaded browser) against the example API server on PGlite (a temp
 * data dir, the mail outbox file for codes, rate limits off) and the statically exported dashboard
 * on another origin, allowed by USERKIT_CORS_ORIGINS.
 *
 * One story, in order: sign up → the code from the outbox → verify → sign in → edit the profile →
 * a stale edit shows the conflict in the modal → my sessions → sign out → forgot and reset the
 * password (code from the outbox; earlier sessions refused) → (admin) search and filter → grant
 * credits → an import with one bad row shows the row's error → the export downloads → sign out.
 * Password reset and the session list are left out: their API routes are not in this tree yet.
 *
 * `next build` runs once, here (the API's URL is inlined at build time). Screenshots of each page
 * go to test/browser/.screenshots/ (git-ignored); USERKIT_DASHBOARD_README_IMAGE=<path> also writes
 * the README's image.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createUserClient } from '@userkit/client';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../examples/dashboard/scripts/serve-static.mjs';

const repoRoot = resolve(import.meta.dirname, '../..');
const dashboardDir = join(repoRoot, 'examples/dashboard');
const screenshots = join(import.meta.dirname, '.screenshots');
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const admin = { email: 'admin@example.com', password: 'the e2e admin passphrase' };
const erin = { name: 'Erin Example', email: 'erin@example.com', password: 'erin’s e2e passphrase' };

const dataDir = mkdtempSync(join(tmpdir(), 'userkit-dashboard-e2e-'));
const outbox = join(dataDir, 'outbox.jsonl');
const userDataDir = mkdtempSync(join(tmpdir(), 'userkit-chromium-'));
let api: ChildProcess | undefined;
let apiLog = '';
let apiUrl: string;
let dashboard: { server: Server; origin: string };
let context: BrowserContext;
let page: Page;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((done, fail) => {
    let output = '';
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`))));
  });
}

async function waitForApi(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (api?.exitCode !== null && api?.exitCode !== undefined) throw new Error(`the API exited:\n${apiLog}`);
    const ok = await fetch(`${url}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the API did not become ready:\n${apiLog}`);
}

/** The codes mailed to `to` so far, oldest first, from the outbox file. */
function codesFor(to: string): string[] {
  const lines = existsSync(outbox) ? readFileSync(outbox, 'utf8').trim().split('\n').filter(Boolean) : [];
  return lines
    .map((line) => JSON.parse(line) as { to: string; code: string | null })
    .filter((m) => m.to === to && m.code)
    .map((m) => m.code as string);
}

/** The newest code mailed to `to` once more than `seen` codes were mailed to it (waits for it). */
async function codeFor(to: string, seen = 0): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const codes = codesFor(to);
    if (codes.length > seen) return codes.at(-1) as string;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no code for ${to} in the outbox`);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const apiPort = await freePort();
  apiUrl = `http://localhost:${apiPort}/api`;
  // The dashboard's origin first: the API must list it, and the build must know the API's URL.
  dashboard = await serveStatic(join(dashboardDir, 'out'), { port: 0, host: '127.0.0.1' });
  expect(new URL(dashboard.origin).origin).not.toBe(new URL(apiUrl).origin);

  const build = run('npx', ['next', 'build'], { cwd: dashboardDir, env: { NEXT_PUBLIC_USERKIT_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' } });
  await run('npm', ['run', 'build', '--silent', '-w', '@userkit-examples/server'], { cwd: repoRoot });
  api = spawn(process.execPath, [join(repoRoot, 'examples/server/dist/main.js')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(apiPort),
      USERKIT_DATA_DIR: dataDir,
      USERKIT_MAIL_OUTBOX: outbox,
      USERKIT_RATE_LIMITS: 'off',
      USERKIT_CORS_ORIGINS: dashboard.origin,
      USERKIT_ADMIN_EMAIL: admin.email,
      USERKIT_ADMIN_PASSWORD: admin.password,
      USERKIT_LOG_LEVEL: 'warn',
      USERKIT_LOG_PRETTY: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout?.on('data', (chunk: Buffer) => (apiLog += chunk.toString()));
  api.stderr?.on('data', (chunk: Buffer) => (apiLog += chunk.toString()));
  await Promise.all([build, waitForApi(apiUrl)]);

  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1100, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    // A native alert/confirm would be a bug: the dashboard reports everything in its own modal.
    throw new Error(`unexpected native dialog: ${dialog.type()} ${dialog.message()}`);
  });
}, 300_000);

afterAll(async () => {
  await context?.close();
  if (api && api.exitCode === null) {
    const exited = new Promise((done) => api?.once('exit', done));
    api.kill('SIGTERM');
    await exited;
  }
  await new Promise<void>((done) => (dashboard ? dashboard.server.close(() => done()) : done()));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(userDataDir, { recursive: true, force: true });
}, 60_000);

describe('the dashboard in Chromium', () => {
  it('signs up, verifies, edits the profile and shows a stale edit in the modal', async () => {
    await page.goto(`${dashboard.origin}/signup/`);
    await page.getByLabel('Name').fill(erin.name);
    await page.getByLabel('Email').fill(erin.email);
    await page.getByLabel('Password').fill(erin.password);
    await shot('01-sign-up');
    await page.getByRole('button', { name: 'Sign up' }).click();

    await page.waitForURL(/\/verify\/\?email=/);
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe(erin.email);
    await page.getByLabel('Code').fill(await codeFor(erin.email));
    await shot('02-verify');
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.waitForURL(/\/signin\/\?email=/);
    await expect.poll(() => page.getByLabel('Email').inputValue()).toBe(erin.email);
    await page.getByLabel('Password').fill(erin.password);
    await shot('03-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL(/\/profile\/$/);
    await page.getByRole('heading', { name: erin.name }).waitFor();
    expect(await page.title()).toBe('My profile · userkit dashboard');
    expect(await page.getByText('(verified)').count()).toBe(1);
    await page.getByRole('button', { name: 'Edit profile' }).click();
    await page.getByLabel('City').fill('Lisbon');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('dd[data-field="city"]', { hasText: 'Lisbon' }).waitFor();
    await shot('04-profile');

    // A stale edit: the form is open while the same user is changed elsewhere.
    await page.getByRole('button', { name: 'Edit profile' }).click();
    const login = await createUserClient({ baseUrl: apiUrl }).login({ body: { email: erin.email, password: erin.password } });
    await createUserClient({ baseUrl: apiUrl, token: login.access_token }).updateUser({ id: login.user.id, body: { city: 'Porto' } });
    await page.getByLabel('City').fill('Madrid');
    await page.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'Changed by someone else' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    await shot('05-conflict-modal');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByLabel('City').inputValue()).toBe('Porto');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe('Save');

    // My sessions (read afresh): this browser and the API sign-in above, each with its own sign-out.
    await page.reload();
    await page.getByText('(this device)').waitFor();
    expect(await page.getByRole('button', { name: /^Sign out (here|this device)$/ }).count()).toBe(2);

    await page.setViewportSize({ width: 390, height: 800 });
    await shot('06-profile-phone');
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/signin\/$/);

    // Forgot → the reset code from the outbox → a new password; every earlier session ends.
    const seen = codesFor(erin.email).length;
    await page.goto(`${dashboard.origin}/forgot-password/`);
    await page.getByLabel('Email').fill(erin.email);
    await page.getByRole('button', { name: 'Send a reset code' }).click();
    await page.waitForURL(/\/reset-password\/\?email=/);
    await page.getByLabel('Code').fill(await codeFor(erin.email, seen));
    await page.getByLabel('New password').fill(`${erin.password}-new`);
    await shot('07-reset-password');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForURL(/\/signin\/\?email=/);
    await page.getByLabel('Password').fill(`${erin.password}-new`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/profile\/$/);
    await expect(createUserClient({ baseUrl: apiUrl, token: login.access_token }).me({})).rejects.toMatchObject({ status: 401 });
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/signin\/$/);
  });

  it('as the admin: overview, search and filters, credits, import with a bad row, export, sign out', async () => {
    await page.goto(`${dashboard.origin}/signin/`);
    await page.getByLabel('Email').fill(admin.email);
    // A wrong password: the modal, Escape, and focus back on the button that was pressed.
    await page.getByLabel('Password').fill('not the admin password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refused = page.getByRole('dialog');
    await refused.waitFor();
    await page.keyboard.press('Escape');
    await refused.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).toBe('Sign in');
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin\/$/);
    await page.getByRole('img', { name: /Sign-ups per day/ }).waitFor();
    await page.getByText(/2 users found/).waitFor();
    await shot('07-admin-overview');
    if (process.env['USERKIT_DASHBOARD_README_IMAGE']) {
      await page.screenshot({ path: join(screenshots, 'readme.png'), clip: { x: 0, y: 0, width: 1100, height: 800 } });
      copyFileSync(join(screenshots, 'readme.png'), process.env['USERKIT_DASHBOARD_README_IMAGE']);
    }

    const users = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Joined' }) });
    await page.getByLabel('Search users').fill('erin');
    await page.getByLabel('Search users').press('Enter');
    await page.getByText('1 users found').waitFor();
    await page.getByRole('combobox', { name: 'Type', exact: true }).selectOption('customer');
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('suspended');
    await page.getByText('0 users found').waitFor();
    await page.getByRole('combobox', { name: 'Status', exact: true }).selectOption('active');
    await page.getByText('1 users found').waitFor();
    await shot('08-admin-search');

    await users.getByRole('link', { name: erin.name }).click();
    await page.waitForURL(/\/admin\/user\/\?id=\d+$/);
    await page.getByLabel('Amount').fill('25');
    await page.getByLabel('Reason').fill('welcome credit');
    await page.getByRole('button', { name: 'Grant credits' }).click();
    await page.getByTestId('credit-balance').filter({ hasText: '25' }).waitFor();
    await page.getByRole('cell', { name: 'welcome credit' }).waitFor();
    await shot('09-admin-user');

    await page.getByRole('link', { name: '← All users' }).click();
    await page.waitForURL(/\/admin\/$/);
    const csv = ['email,name,password', 'ok@example.com,Okay Person,an import passphrase 1', 'not-an-email,Bad Row,an import passphrase 2'].join('\n');
    await page.getByLabel(/^Rows/).fill(csv);
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    const rowErrors = page.locator('.row-errors');
    await rowErrors.waitFor();
    expect(await rowErrors.getByRole('cell', { name: 'email', exact: true }).count()).toBe(1);
    const modal = page.getByRole('dialog');
    if (await modal.count()) await page.keyboard.press('Escape');
    await shot('10-admin-import');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')[0]).toContain('email');
    expect(text).toContain(erin.email);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/signin\/$/);
    await shot('11-signed-out');
  });
});
