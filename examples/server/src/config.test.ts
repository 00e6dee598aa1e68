import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRateLimits } from '@userkit/core';
import { describe, expect, it } from 'vitest';
import { ConfigError, configVariables, loadConfig, rateLimitRuleNames } from './config';

const base = { INIT_CWD: '/srv/app' };
const load = (env: Record<string, string>) => loadConfig({ ...base, ...env });

/** The lines of the ConfigError that `env` raises. */
function refusal(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.lines;
    throw error;
  }
  throw new Error('accepted');
}

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = load({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      db: { poolMax: 10, statementTimeoutMs: undefined, preparedStatements: true },
      redisUrl: undefined,
      jwtSecret: undefined,
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 86_400,
      corsOrigins: [],
      trustProxy: false,
      rateLimits: { off: false, limits: {} },
      logLevel: 'info',
      dataDir: '/srv/app/.data',
      adminEmail: 'admin@example.com',
      adminPassword: undefined,
      mailOutbox: '/srv/app/.data/outbox.jsonl',
      devPrintCodes: false,
    });
  });

  it('reads every variable', () => {
    const config = load({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      USERKIT_DB_POOL_MAX: '25',
      USERKIT_DB_STATEMENT_TIMEOUT: '30s',
      USERKIT_DB_PREPARED_STATEMENTS: 'off',
      USERKIT_REDIS_URL: 'rediss://cache:6380',
      USERKIT_JWT_SECRET: 'x'.repeat(32),
      USERKIT_ACCESS_TOKEN_TTL: '15m',
      USERKIT_REFRESH_TOKEN_TTL: '7d',
      USERKIT_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/',
      USERKIT_TRUST_PROXY: 'true',
      USERKIT_RATE_LIMITS: 'login.account=5/10m',
      USERKIT_LOG_LEVEL: 'debug',
      USERKIT_DATA_DIR: '/var/lib/userkit',
      USERKIT_ADMIN_EMAIL: ' Root@Example.com ',
      USERKIT_ADMIN_PASSWORD: 'a sturdy passphrase',
      USERKIT_MAIL_OUTBOX: 'mail.jsonl',
      USERKIT_DEV_PRINT_CODES: '1',
    });
    expect(config).toEqual({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/app',
      db: { poolMax: 25, statementTimeoutMs: 30_000, preparedStatements: false },
      redisUrl: 'rediss://cache:6380',
      jwtSecret: 'x'.repeat(32),
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 7 * 86_400,
      corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
      trustProxy: true,
      rateLimits: { off: false, limits: { login: { perAccount: { max: 5, windowMs: 600_000 }, perAddress: defaultRateLimits.login.perAddress } } },
      logLevel: 'debug',
      dataDir: '/var/lib/userkit',
      adminEmail: 'root@example.com',
      adminPassword: 'a sturdy passphrase',
      mailOutbox: '/srv/app/mail.jsonl',
      devPrintCodes: true,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(load({ PORT: '', DATABASE_URL: ' ' })).toMatchObject({ port: 3000, databaseUrl: undefined });
  });

  it('reads bare durations in their documented unit', () => {
    expect(load({ USERKIT_DB_STATEMENT_TIMEOUT: '2500', USERKIT_ACCESS_TOKEN_TTL: '600' })).toMatchObject({
      db: { statementTimeoutMs: 2500 },
      accessTokenTtlSeconds: 600,
    });
  });

  it('turns rate limits off', () => {
    expect(load({ USERKIT_RATE_LIMITS: 'OFF' }).rateLimits).toEqual({ off: true });
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://db/app'],
    ['DATABASE_URL', 'not a url'],
    ['USERKIT_DB_POOL_MAX', '0'],
    ['USERKIT_DB_POOL_MAX', '2.5'],
    ['USERKIT_DB_STATEMENT_TIMEOUT', '5 minutes'],
    ['USERKIT_DB_PREPARED_STATEMENTS', 'maybe'],
    ['USERKIT_REDIS_URL', 'http://cache:6379'],
    ['USERKIT_JWT_SECRET', 'too short'],
    ['USERKIT_ACCESS_TOKEN_TTL', '10s'],
    ['USERKIT_ACCESS_TOKEN_TTL', '2d'],
    ['USERKIT_REFRESH_TOKEN_TTL', '-1'],
    ['USERKIT_CORS_ORIGINS', 'https://app.example.com/path'],
    ['USERKIT_CORS_ORIGINS', 'app.example.com'],
    ['USERKIT_TRUST_PROXY', '2'],
    ['USERKIT_RATE_LIMITS', 'login=5/1m'],
    ['USERKIT_RATE_LIMITS', 'login.account=0/1m'],
    ['USERKIT_RATE_LIMITS', 'login.account=5/1w'],
    ['USERKIT_LOG_LEVEL', 'verbose'],
    ['USERKIT_ADMIN_EMAIL', 'root'],
    ['USERKIT_DEV_PRINT_CODES', 'please'],
  ])('refuses %s=%j with one line naming it', (name, value) => {
    const lines = refusal({ [name]: value });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${name} must `));
  });

  it('never echoes a value (they may be secrets)', () => {
    const lines = refusal({ DATABASE_URL: 'mysql://u:s3cret@db/app', USERKIT_JWT_SECRET: 'hunter2' });
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/s3cret|hunter2/);
  });

  it('names every rate-limit rule of the core', () => {
    const rules = Object.values(defaultRateLimits).reduce((count, bucket) => count + Object.keys(bucket).length, 0);
    expect(rateLimitRuleNames).toHaveLength(rules);
    for (const name of rateLimitRuleNames) expect(load({ USERKIT_RATE_LIMITS: `${name}=3/1h` }).rateLimits.off).toBe(false);
  });
});

describe('the README', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));

  it('lists every variable of the schema, and no other', () => {
    const listed = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(configVariables);
  });

  it('names every rate-limit rule', () => {
    for (const name of rateLimitRuleNames) expect(section).toContain(`\`${name}\``);
  });
});
