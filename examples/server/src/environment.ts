/**
 * The environment of SPEC 9: PORT, DATABASE_URL, USERKIT_DATA_DIR, USERKIT_JWT_SECRET,
 * USERKIT_ADMIN_EMAIL, USERKIT_ADMIN_PASSWORD, USERKIT_MAIL_OUTBOX.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Environment {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  /** Where the secret came from, for the start-up banner. */
  jwtSecretSource: 'env' | 'generated' | 'data-dir';
  adminEmail: string;
  adminPassword: string | undefined;
  mailOutbox: string;
}

/** Reads the environment; creates the data directory and the persisted JWT secret when needed. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  // npm runs workspace scripts in the workspace folder; INIT_CWD is where `npm start` was typed.
  const base = env['INIT_CWD'] ?? process.cwd();
  const dataDir = resolve(base, env['USERKIT_DATA_DIR'] ?? '.data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got ${env['PORT']}`);

  let jwtSecret = env['USERKIT_JWT_SECRET'];
  let jwtSecretSource: Environment['jwtSecretSource'] = 'env';
  if (!jwtSecret) {
    const file = join(dataDir, 'jwt-secret');
    if (existsSync(file)) {
      jwtSecret = readFileSync(file, 'utf8').trim();
      jwtSecretSource = 'data-dir';
    } else {
      jwtSecret = randomBytes(48).toString('base64url');
      writeFileSync(file, `${jwtSecret}\n`, { mode: 0o600 });
      jwtSecretSource = 'generated';
    }
  }
  if (Buffer.byteLength(jwtSecret) < 32) throw new Error('USERKIT_JWT_SECRET must be at least 32 bytes');

  const outbox = env['USERKIT_MAIL_OUTBOX'];
  return {
    port,
    databaseUrl: env['DATABASE_URL'] || undefined,
    dataDir,
    jwtSecret,
    jwtSecretSource,
    adminEmail: env['USERKIT_ADMIN_EMAIL'] ?? 'admin@example.com',
    adminPassword: env['USERKIT_ADMIN_PASSWORD'] || undefined,
    mailOutbox: resolve(base, outbox || join(dataDir, 'outbox.jsonl')),
  };
}
