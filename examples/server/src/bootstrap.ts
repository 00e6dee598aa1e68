/**
 * Everything the example servers share: database (PGlite in the data directory, or PostgreSQL
 * from DATABASE_URL), migrations, the service, a seeded super admin, tokens, the dev mailer.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { JwtTokens, UserService, type UserkitHandlerOptions } from '@userkit/core';
import { createDatabase } from '@userkit/kysely';
import { DevMailer } from './dev-mailer';
import { readEnvironment, type Environment } from './environment';

export interface Bootstrapped {
  env: Environment;
  handlerOptions: UserkitHandlerOptions;
  /** Set when this start created the super admin. */
  seededAdmin: { email: string; password: string; generated: boolean } | undefined;
  databaseLabel: string;
  close(): Promise<void>;
}

/** A password that passes the policy: 18 random bytes, base64url (24 characters). */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function bootstrap(env: Environment = readEnvironment()): Promise<Bootstrapped> {
  const database = await createDatabase(env.databaseUrl ? { url: env.databaseUrl } : { pglite: { dataDir: join(env.dataDir, 'pglite') } });
  try {
    await database.migrate();
    const service = new UserService({
      repository: database.repository,
      mailer: new DevMailer(env.mailOutbox),
      // Stored verification codes are keyed by the JWT secret (a separate key is derived from it).
      codeSecret: env.jwtSecret,
      onMailError: (error) => console.error('userkit: could not send mail:', error instanceof Error ? error.message : error),
    });
    const password = env.adminPassword ?? generatePassword();
    const seeded = await service.ensureSuperAdmin({ email: env.adminEmail, password });
    return {
      env,
      handlerOptions: { service, tokens: new JwtTokens({ secret: env.jwtSecret }), readiness: () => database.checkMigrations() },
      seededAdmin: seeded.created ? { email: env.adminEmail, password, generated: env.adminPassword === undefined } : undefined,
      databaseLabel: env.databaseUrl ? `PostgreSQL (${new URL(env.databaseUrl).host})` : `PGlite in ${join(env.dataDir, 'pglite')}`,
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** The start-up banner: URLs and admin credentials (the password only when this start created it). */
export function banner(app: Bootstrapped, framework: string, port: number): string {
  const base = `http://localhost:${port}/api`;
  const lines = [
    `userkit (${framework}) on ${app.databaseLabel}`,
    `  API:      ${base}`,
    `  OpenAPI:  ${base}/openapi.json`,
    `  Health:   ${base}/health/ready`,
    `  Outbox:   ${app.env.mailOutbox}`,
  ];
  if (app.seededAdmin) {
    lines.push(`  Super admin created: ${app.seededAdmin.email}`);
    lines.push(`  Password: ${app.seededAdmin.password}${app.seededAdmin.generated ? '   (generated: shown once, save it now)' : ''}`);
  } else {
    lines.push(`  Super admin: already present (${app.env.adminEmail} unless changed)`);
  }
  return lines.join('\n');
}

/** Closes the server and the database on SIGINT/SIGTERM. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal}: shutting down`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('userkit: error while shutting down:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
