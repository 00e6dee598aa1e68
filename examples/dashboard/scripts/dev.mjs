/**
 * `npm run dev:dashboard`: the example API on PGlite (http://localhost:3000/api, data in
 * `.data/dashboard`) and the dashboard in `next dev` on its own origin (http://127.0.0.1:3100),
 * which the API allows through USERKIT_CORS_ORIGINS. Verification codes go to the outbox file and
 * are printed in this terminal. Ctrl+C stops both.
 *
 * The first admin is `USERKIT_ADMIN_EMAIL` (default admin@example.com); without
 * `USERKIT_ADMIN_PASSWORD` the API generates a password and prints it once.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dashboardDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(dashboardDir, '../..');
const apiPort = Number(process.env.USERKIT_API_PORT ?? 3000);
const dashboardPort = Number(process.env.DASHBOARD_PORT ?? 3100);
const dashboardOrigin = `http://127.0.0.1:${dashboardPort}`;
const apiUrl = process.env.NEXT_PUBLIC_USERKIT_API_URL ?? `http://localhost:${apiPort}/api`;

const children = [
  spawn('npm', ['run', 'start', '--silent', '-w', '@userkit-examples/server'], {
    cwd: repoRoot,
    stdio: 'inherit',
    detached: true,
    env: {
      ...process.env,
      INIT_CWD: repoRoot,
      PORT: String(apiPort),
      USERKIT_CORS_ORIGINS: process.env.USERKIT_CORS_ORIGINS ?? dashboardOrigin,
      USERKIT_DATA_DIR: process.env.USERKIT_DATA_DIR ?? '.data/dashboard',
      USERKIT_DEV_PRINT_CODES: process.env.USERKIT_DEV_PRINT_CODES ?? 'true',
    },
  }),
  spawn('npx', ['next', 'dev', '--hostname', '127.0.0.1', '--port', String(dashboardPort)], {
    cwd: dashboardDir,
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, NEXT_PUBLIC_USERKIT_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
  }),
];

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // Each child runs in its own process group (npm and npx start the real servers as grandchildren):
  // the whole group is stopped, so nothing is left listening.
  for (const child of children) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }
  process.exitCode = code;
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.stdout.write(`\nuserkit dashboard: ${dashboardOrigin} (API ${apiUrl})\n\n`);
