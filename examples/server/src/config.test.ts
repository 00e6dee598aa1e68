import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRateLimits } from '@userkit/core/server';
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
      rateLimits: {},
      hsts: false,
      logLevel: 'info',
      logPretty: undefined,
      metricsToken: undefined,
      metricsPort: undefined,
      shutdown: { delayMs: 0, timeoutMs: 10_000 },
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
      USERKIT_HSTS: 'on',
      USERKIT_LOG_LEVEL: 'debug',
      USERKIT_LOG_PRETTY: 'off',
      USERKIT_METRICS_TOKEN: 't'.repeat(16),
      USERKIT_METRICS_PORT: '9464',
      USERKIT_SHUTDOWN_DELAY: '5s',
      USERKIT_SHUTDOWN_TIMEOUT: '30s',
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
      rateLimits: { login: { perAccount: { max: 5, windowMs: 600_000 }, perAddress: defaultRateLimits.login.perAddress } },
      hsts: { maxAge: 31_536_000 },
      logLevel: 'debug',
      logPretty: false,
      metricsToken: 't'.repeat(16),
      metricsPort: 9464,
      shutdown: { delayMs: 5000, timeoutMs: 30_000 },
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
    expect(load({ USERKIT_RATE_LIMITS: 'OFF' }).rateLimits).toBe(false);
  });

  it.each([
    ['on', true],
    ['off', false],
    ['2', 2],
    ['10.0.0.0/8, ::1', ['10.0.0.0/8', '::1']],
    ['loopback,192.168.1.7', ['loopback', '192.168.1.7']],
  ])('reads USERKIT_TRUST_PROXY=%j as core trustProxy %j', (value, expected) => {
    expect(load({ USERKIT_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    ['off', false],
    ['on', { maxAge: 31_536_000 }],
    ['max-age=600', { maxAge: 600 }],
    ['max-age=63072000; includeSubDomains; preload', { maxAge: 63_072_000, includeSubDomains: true, preload: true }],
  ])('reads USERKIT_HSTS=%j as core hsts %j', (value, expected) => {
    expect(load({ USERKIT_HSTS: value }).hsts).toEqual(expected);
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
    ['USERKIT_TRUST_PROXY', 'proxy.internal'],
    ['USERKIT_TRUST_PROXY', '10.0.0.0/33'],
    ['USERKIT_HSTS', 'max-age=soon'],
    ['USERKIT_HSTS', 'max-age=600; everywhere'],
    ['USERKIT_RATE_LIMITS', 'login=5/1m'],
    ['USERKIT_RATE_LIMITS', 'login.account=0/1m'],
    ['USERKIT_RATE_LIMITS', 'login.account=5/1w'],
    ['USERKIT_LOG_LEVEL', 'verbose'],
    ['USERKIT_LOG_PRETTY', 'sometimes'],
    ['USERKIT_METRICS_TOKEN', 'short'],
    ['USERKIT_METRICS_PORT', '65536'],
    ['USERKIT_SHUTDOWN_DELAY', '2m'],
    ['USERKIT_SHUTDOWN_TIMEOUT', 'soon'],
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
    for (const name of rateLimitRuleNames) expect(load({ USERKIT_RATE_LIMITS: `${name}=3/1h` }).rateLimits).not.toBe(false);
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
