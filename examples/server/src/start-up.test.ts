/**
 * The example servers as processes: built once as `npm start` builds them, then spawned. The
 * failures need no database work, so they are quick; one test starts a real server on PGlite.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const examples = join(import.meta.dirname, '../..');
const entries = { Hono: join(examples, 'server/dist/main.js'), Express: join(examples, 'express-server/dist/main.js') };
const root = mkdtempSync(join(tmpdir(), 'userkit-start-'));

beforeAll(() => {
  const tsup = join(examples, '../node_modules/.bin/tsup');
  execFileSync(tsup, ['--silent'], { cwd: join(examples, 'server'), stdio: 'inherit' });
  execFileSync(tsup, ['--silent'], { cwd: join(examples, 'express-server'), stdio: 'inherit' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
function dataDir(): string {
  return join(root, `data-${++dirs}`);
}

interface Started {
  child: ReturnType<typeof spawn>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(framework: keyof typeof entries, env: Record<string, string>): Started {
  // Only what the test sets: no DATABASE_URL or USERKIT_* from the developer's shell.
  const child = spawn(process.execPath, [entries[framework]], { env: { PATH: process.env['PATH'] ?? '', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs a server that must fail: its exit code and output. */
async function failing(framework: keyof typeof entries, env: Record<string, string>) {
  const run = start(framework, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderrLines: run.stderr().trimEnd().split('\n') };
}

describe.each(['Hono', 'Express'] as const)('%s: start-up failures are one line and a non-zero exit', (framework) => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('a port in use fails before the database is touched or an admin seeded', async () => {
    const dir = dataDir();
    const port = (busy.address() as { port: number }).port;
    const result = await failing(framework, { PORT: String(port), USERKIT_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderrLines).toEqual([`userkit: port ${port} is already in use (PORT): stop what listens there or choose another port`]);
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir, 'pglite'))).toBe(false);
  });

  it('a bad setting names the variable (exit 2)', async () => {
    const result = await failing(framework, { USERKIT_JWT_SECRET: 'short', USERKIT_DATA_DIR: dataDir() });
    expect(result.code).toBe(2);
    expect(result.stderrLines).toEqual(['userkit: USERKIT_JWT_SECRET must be at least 32 bytes (e.g. `openssl rand -base64 48`)']);
  });
});

describe('start-up failures (Hono)', () => {
  it('an unreachable DATABASE_URL is one line without its password', async () => {
    const result = await failing('Hono', { DATABASE_URL: 'postgres://user:s3cret@127.0.0.1:1/app', USERKIT_DATA_DIR: dataDir() });
    expect(result.code).toBe(1);
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toMatch(/^userkit: cannot reach the database \(PostgreSQL at 127\.0\.0\.1:1\/app\): .*ECONNREFUSED/);
    expect(result.stderrLines[0]).not.toContain('s3cret');
  });

  it('an unreachable USERKIT_REDIS_URL is one line without its password (exit 1)', async () => {
    const result = await failing('Hono', { USERKIT_REDIS_URL: 'redis://user:s3cret@127.0.0.1:1', USERKIT_DATA_DIR: dataDir() });
    expect(result.code).toBe(1);
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toMatch(/^userkit: cannot reach Redis at 127\.0\.0\.1:1 \(USERKIT_REDIS_URL\): /);
    expect(result.stderrLines[0]).not.toContain('s3cret');
  });

  it('a PGlite directory held by another live process is refused at once', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'pglite'), { recursive: true });
    // This test process is alive and is not the server: it stands for a first server.
    writeFileSync(join(dir, 'pglite', 'userkit.lock'), `${process.pid}\n`);
    const result = await failing('Hono', { USERKIT_DATA_DIR: dir });
    expect(result.code).toBe(1);
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toContain(`userkit: the PGlite database in ${join(dir, 'pglite')} is in use by process ${process.pid}`);
  });
});

describe('a started server (Hono on PGlite)', () => {
  it('keeps secrets out of its output, tightens its data directory, serves CORS for USERKIT_CORS_ORIGINS, and releases the lock on SIGTERM', async () => {
    const dir = dataDir();
    mkdirSync(dir, { mode: 0o755 });
    const password = 'operator chosen passphrase';
    const run = start('Hono', { USERKIT_DATA_DIR: dir, USERKIT_ADMIN_PASSWORD: password, USERKIT_CORS_ORIGINS: 'https://app.example.com' });
    try {
      while (!run.stdout().includes('Super admin')) {
        if (run.child.exitCode !== null) throw new Error(`exited: ${run.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const port = Number(/localhost:(\d+)\/api/.exec(run.stdout())?.[1]);
      const banner = run.stdout();
      expect(banner).toContain('Super admin created: admin@example.com (password from USERKIT_ADMIN_PASSWORD)');
      expect(banner).not.toContain(password);
      expect(banner).toContain('tightened from 755');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'pglite', 'PG_VERSION')).mode & 0o777).toBe(0o600);

      const response = await fetch(`http://localhost:${port}/api/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://app.example.com' },
        body: JSON.stringify({ email: 'ada@example.com', password: 'analytical engine' }),
      });
      expect(response.status).toBe(201);
      // USERKIT_CORS_ORIGINS reaches the handler.
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      const outbox = join(dir, 'outbox.jsonl');
      while (!existsSync(outbox)) await new Promise((resolve) => setTimeout(resolve, 50));
      const { code } = JSON.parse(readFileSync(outbox, 'utf8').trim()) as { code: string };
      expect(code).toMatch(/^\d{6}$/);
      expect(statSync(outbox).mode & 0o777).toBe(0o600);
      expect(run.stdout()).toContain('[mail] to ada@example.com');
      expect(run.stdout()).not.toContain(code);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    expect(existsSync(join(dir, 'pglite', 'userkit.lock'))).toBe(false);
    expect(run.stderr()).toBe('');
  });
});

describe('graceful shutdown (Hono on PGlite)', () => {
  it('on SIGTERM answers readiness 503, finishes the logins in flight, then refuses connections and exits 0', async () => {
    const dir = dataDir();
    const password = 'operator chosen passphrase';
    // A short delay: readiness is 503 while the server still accepts, as a load balancer would see it.
    const run = start('Hono', { USERKIT_DATA_DIR: dir, USERKIT_ADMIN_PASSWORD: password, USERKIT_SHUTDOWN_DELAY: '300ms', USERKIT_LOG_PRETTY: 'off' });
    while (!run.stdout().includes('Super admin')) {
      if (run.child.exitCode !== null) throw new Error(`exited: ${run.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const base = `http://localhost:${Number(/localhost:(\d+)\/api/.exec(run.stdout())?.[1])}/api`;
    const order: string[] = [];
    // Real slow requests: each login runs bcrypt (cost 12) in the hasher's workers, queued behind each other.
    const logins = Array.from({ length: 5 }, (_, i) =>
      fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `login-${i}` },
        body: JSON.stringify({ email: 'admin@example.com', password }),
      }).then((response) => (order.push(`login ${response.status}`), response.status)),
    );
    // Every login is on the server (its connection accepted) before the signal.
    await new Promise((resolve) => setTimeout(resolve, 100));
    run.child.kill('SIGTERM');
    let ready = 0;
    while (ready !== 503) ready = (await fetch(`${base}/health/ready`)).status;
    order.push('ready 503');
    expect(await Promise.all(logins)).toEqual([200, 200, 200, 200, 200]);
    // At least one login was still running when readiness already said 503, and it completed.
    expect(order.indexOf('ready 503')).toBeLessThan(order.lastIndexOf('login 200'));
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    expect(await run.exited).toBe(0);
    const lines = run.stdout().split('\n').filter((line) => line.startsWith('{'));
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.filter((r) => r['route'] === '/auth/login').map((r) => r['reqId']).sort()).toEqual(['login-0', 'login-1', 'login-2', 'login-3', 'login-4']);
    expect(records.map((r) => r['msg'])).toContain('userkit: shutdown: closed');
    expect(run.stdout()).not.toContain(password);
    // Warnings only (the 503 readiness answers), no errors.
    expect(run.stderr().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { level: number }).level)).not.toContain(50);
  });
});
