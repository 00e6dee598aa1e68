/**
 * Every setting of the example servers (Hono and Express), read from the environment through
 * one zod schema. A bad value is refused at start-up with one line naming the variable; values
 * are never echoed, since several are secrets (DATABASE_URL can hold a password). The README's
 * "Configuration" table lists the same variables, and a test keeps the two in step.
 */
import { resolve } from 'node:path';
import { emailSchema } from '@userkit/core';
import { createClientAddressResolver, defaultRateLimits, type HstsOptions, type RateLimitRule, type RateLimitSettings, type RateLimits, type TrustProxy } from '@userkit/core/server';
import { z } from 'zod';

export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];


export interface Config {
  port: number;
  /** PostgreSQL when set; otherwise PGlite in `<dataDir>/pglite`. */
  databaseUrl: string | undefined;
  db: {
    poolMax: number;
    /** PostgreSQL's statement_timeout in ms; undefined keeps the server's (0 = none). */
    statementTimeoutMs: number | undefined;
    /** Named prepared statements for the hot lookups; off behind PgBouncer in transaction mode. */
    preparedStatements: boolean;
  };
  /** Accepted and validated; see the README for when it is used. */
  redisUrl: string | undefined;
  /** When unset, a secret is generated once and kept in `<dataDir>/jwt-secret`. */
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  /** Validated for refresh tokens, which are future work. */
  refreshTokenTtlSeconds: number;
  /** Browser origins allowed to call the API (CORS); empty: none. */
  corsOrigins: string[];
  /** Core's `trustProxy`: off, every hop, a count of hops, or proxy addresses and CIDR ranges. */
  trustProxy: TrustProxy;
  /** Core's `rateLimits`: `false` (off), or the defaults with some rules changed. */
  rateLimits: RateLimitSettings;
  /** Core's `hsts`: off, or the Strict-Transport-Security to send (HTTPS deployments). */
  hsts: HstsOptions | false;
  logLevel: LogLevel;
  /** Human-readable log lines (pino-pretty); undefined: when stdout is a terminal. */
  logPretty: boolean | undefined;
  /** `/api/metrics` (and the metrics port) require `Authorization: Bearer <token>` when set. */
  metricsToken: string | undefined;
  /** A separate port serving `/metrics` (for a scraper on a private network). */
  metricsPort: number | undefined;
  shutdown: {
    /** How long SIGTERM waits, unready but still serving, before it stops accepting (load balancers catch up). */
    delayMs: number;
    /** How long in-flight requests may take to finish before their connections are closed. */
    timeoutMs: number;
  };
  dataDir: string;
  adminEmail: string;
  adminPassword: string | undefined;
  mailOutbox: string;
  /** Development only: print verification codes on stdout too. */
  devPrintCodes: boolean;
}

/** A start-up refusal: each line names a variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration: a whole number with a unit (ms, s, m, h, d), or bare in `bareUnit`; parsed to `outUnit`. */
function duration(bareUnit: 'ms' | 's', outUnit: 'ms' | 's', min: number, max: number, what: string) {
  return z.string().transform((text, context) => {
    const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(text.trim());
    const ms = match ? Number(match[1]) * units[(match[2] as keyof typeof units | undefined) ?? bareUnit] : Number.NaN;
    const value = ms / units[outUnit];
    if (!Number.isInteger(value) || value < min || value > max) {
      context.addIssue({ code: 'custom', message: `must be ${what}` });
      return z.NEVER;
    }
    return value;
  });
}

function integer(min: number, max: number, what: string) {
  return z.string().transform((text, context) => {
    const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      context.addIssue({ code: 'custom', message: `must be ${what}` });
      return z.NEVER;
    }
    return value;
  });
}

const truthy = ['1', 'true', 'on', 'yes'];
const falsy = ['0', 'false', 'off', 'no'];
const flag = z.string().transform((text, context) => {
  const value = text.trim().toLowerCase();
  if (truthy.includes(value)) return true;
  if (falsy.includes(value)) return false;
  context.addIssue({ code: 'custom', message: 'must be on or off (also true/false, 1/0, yes/no)' });
  return z.NEVER;
});

function url(protocols: string[], example: string) {
  return z.string().refine(
    (text) => {
      try {
        return protocols.includes(new URL(text).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL like ${example}` },
  );
}

/** The rate-limit rules by name (`login.account`, …): derived from the core's defaults, so a new rule appears here. */
const bucketNames: Record<keyof RateLimits, string> = { login: 'login', verifyEmail: 'verify-email', sendCode: 'send-code' };
const keyNames: Record<string, string> = { perAccount: 'account', perAddress: 'address' };
export const rateLimitRuleNames: string[] = Object.entries(defaultRateLimits).flatMap(([bucket, rules]) =>
  Object.keys(rules).map((key) => `${bucketNames[bucket as keyof RateLimits]}.${keyNames[key]}`),
);

/**
 * `on` (the defaults), `off` (core's `rateLimits: false`), or rules changed by name:
 * `login.account=5/15m,send-code.address=10/1h`.
 */
const rateLimitSetting = z.string().transform((text, context): RateLimitSettings => {
  const value = text.trim().toLowerCase();
  if (value === 'on') return {};
  if (value === 'off') return false;
  const limits: Record<string, Record<string, RateLimitRule>> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z-]+)\.([a-z]+)=(\d+)\/(\d+)(ms|s|m|h|d)$/.exec(part);
    const name = match ? `${match[1]}.${match[2]}` : '';
    const bucket = Object.keys(bucketNames).find((b) => bucketNames[b as keyof RateLimits] === match?.[1]) as keyof RateLimits | undefined;
    const key = Object.keys(keyNames).find((k) => keyNames[k] === match?.[2]);
    if (!match || !bucket || !key || !rateLimitRuleNames.includes(name) || Number(match[3]) < 1 || Number(match[4]) < 1) {
      context.addIssue({ code: 'custom', message: `must be on, off, or rules like login.account=10/15m (rules: ${rateLimitRuleNames.join(', ')})` });
      return z.NEVER;
    }
    limits[bucket] ??= { ...defaultRateLimits[bucket] };
    (limits[bucket] as Record<string, RateLimitRule>)[key] = { max: Number(match[3]), windowMs: Number(match[4]) * units[match[5] as keyof typeof units] };
  }
  return limits as Partial<RateLimits>;
});

/**
 * `off`, `on` (every hop), a number of proxy hops, or a comma-separated list of proxy addresses,
 * CIDR ranges and the names loopback, linklocal, uniquelocal: the forms of core's `trustProxy`.
 */
const trustProxySetting = z.string().transform((text, context): TrustProxy => {
  const value = text.trim().toLowerCase();
  if (truthy.includes(value)) return true;
  if (falsy.includes(value)) return false;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const list = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    createClientAddressResolver(list); // core's own parser judges each entry
  } catch {
    context.addIssue({ code: 'custom', message: 'must be on, off, a number of proxy hops, or proxy addresses and CIDR ranges like 10.0.0.0/8,::1 (also loopback, linklocal, uniquelocal)' });
    return z.NEVER;
  }
  return list;
});

const yearSeconds = 365 * 86_400;
/**
 * `off`, `on` (one year), or the header's own form: `max-age=31536000; includeSubDomains; preload`.
 */
const hstsSetting = z.string().transform((text, context): HstsOptions | false => {
  const value = text.trim();
  if (falsy.includes(value.toLowerCase())) return false;
  if (truthy.includes(value.toLowerCase())) return { maxAge: yearSeconds };
  const parts = value.split(';').map((p) => p.trim().toLowerCase()).filter(Boolean);
  const maxAge = /^max-age=(\d{1,10})$/.exec(parts[0] ?? '');
  const rest = parts.slice(1);
  if (!maxAge || rest.some((p) => p !== 'includesubdomains' && p !== 'preload')) {
    context.addIssue({ code: 'custom', message: 'must be off, on (one year), or like max-age=31536000; includeSubDomains; preload' });
    return z.NEVER;
  }
  return { maxAge: Number(maxAge[1]), ...(rest.includes('includesubdomains') ? { includeSubDomains: true } : {}), ...(rest.includes('preload') ? { preload: true } : {}) };
});

const origins = z.string().transform((text, context) => {
  const list = text.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of list) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (origin !== '*' && (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin.replace(/\/$/, ''))) {
      context.addIssue({ code: 'custom', message: 'must be a comma-separated list of origins like https://app.example.com (scheme, host, port; no path), or *' });
      return z.NEVER;
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
});

/** The variables, each with its parser and default. The README's table lists the same names. */
export const configSchema = z.object({
  PORT: integer(0, 65_535, 'a port number from 0 to 65535').default(3000),
  DATABASE_URL: url(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/database').optional(),
  USERKIT_DB_POOL_MAX: integer(1, 1000, 'a whole number from 1 to 1000').default(10),
  USERKIT_DB_STATEMENT_TIMEOUT: duration('ms', 'ms', 0, 86_400_000, 'a duration up to 1d: milliseconds, or with a unit (30s, 2m); 0 for none').optional(),
  USERKIT_DB_PREPARED_STATEMENTS: flag.default(true),
  USERKIT_REDIS_URL: url(['redis:', 'rediss:'], 'redis://host:6379').optional(),
  USERKIT_JWT_SECRET: z
    .string()
    .refine((secret) => Buffer.byteLength(secret) >= 32, { message: 'must be at least 32 bytes (e.g. `openssl rand -base64 48`)' })
    .optional(),
  USERKIT_ACCESS_TOKEN_TTL: duration('s', 's', 60, 86_400, 'a duration from 1m to 1d: seconds, or with a unit (15m, 1h)').default(900),
  USERKIT_REFRESH_TOKEN_TTL: duration('s', 's', 60, 365 * 86_400, 'a duration from 1m to 365d: seconds, or with a unit (12h, 30d)').default(30 * 86_400),
  USERKIT_CORS_ORIGINS: origins.default([]),
  USERKIT_TRUST_PROXY: trustProxySetting.default(false),
  USERKIT_RATE_LIMITS: rateLimitSetting.default({}),
  USERKIT_HSTS: hstsSetting.default(false),
  USERKIT_LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
  USERKIT_LOG_PRETTY: flag.optional(),
  USERKIT_METRICS_TOKEN: z
    .string()
    .refine((token) => Buffer.byteLength(token) >= 16, { message: 'must be at least 16 bytes (e.g. `openssl rand -base64 24`)' })
    .optional(),
  USERKIT_METRICS_PORT: integer(0, 65_535, 'a port number from 0 to 65535').optional(),
  USERKIT_SHUTDOWN_DELAY: duration('ms', 'ms', 0, 60_000, 'a duration up to 1m: milliseconds, or with a unit (5s)').default(0),
  USERKIT_SHUTDOWN_TIMEOUT: duration('ms', 'ms', 0, 600_000, 'a duration up to 10m: milliseconds, or with a unit (10s, 1m)').default(10_000),
  USERKIT_DATA_DIR: z.string().default('.data'),
  USERKIT_ADMIN_EMAIL: z
    .string()
    .pipe(emailSchema)
    .default('admin@example.com'),
  USERKIT_ADMIN_PASSWORD: z.string().optional(),
  USERKIT_MAIL_OUTBOX: z.string().optional(),
  USERKIT_DEV_PRINT_CODES: flag.default(false),
});

/** The variable names, in table order. */
export const configVariables = Object.keys(configSchema.shape) as (keyof typeof configSchema.shape)[];

/**
 * Reads the configuration. Empty variables count as unset (`FOO=` in a compose file). Relative
 * paths are resolved from where `npm start` was typed (npm's INIT_CWD), else the working directory.
 *
 * @throws ConfigError with one line per bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input: Record<string, string> = {};
  for (const name of configVariables) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') input[name] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const lines = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'configuration');
      // The core's email messages are written for a form ("Enter a valid email address").
      const message = name === 'USERKIT_ADMIN_EMAIL' ? 'must be an email address' : issue.message;
      if (!lines.has(name)) lines.set(name, `${name} ${message}`);
    }
    throw new ConfigError([...lines.values()]);
  }
  const c = parsed.data;
  const base = env['INIT_CWD'] || process.cwd();
  const dataDir = resolve(base, c.USERKIT_DATA_DIR);
  return {
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    db: { poolMax: c.USERKIT_DB_POOL_MAX, statementTimeoutMs: c.USERKIT_DB_STATEMENT_TIMEOUT, preparedStatements: c.USERKIT_DB_PREPARED_STATEMENTS },
    redisUrl: c.USERKIT_REDIS_URL,
    jwtSecret: c.USERKIT_JWT_SECRET,
    accessTokenTtlSeconds: c.USERKIT_ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: c.USERKIT_REFRESH_TOKEN_TTL,
    corsOrigins: c.USERKIT_CORS_ORIGINS,
    trustProxy: c.USERKIT_TRUST_PROXY,
    rateLimits: c.USERKIT_RATE_LIMITS,
    hsts: c.USERKIT_HSTS,
    logLevel: c.USERKIT_LOG_LEVEL,
    logPretty: c.USERKIT_LOG_PRETTY,
    metricsToken: c.USERKIT_METRICS_TOKEN,
    metricsPort: c.USERKIT_METRICS_PORT,
    shutdown: { delayMs: c.USERKIT_SHUTDOWN_DELAY, timeoutMs: c.USERKIT_SHUTDOWN_TIMEOUT },
    dataDir,
    adminEmail: c.USERKIT_ADMIN_EMAIL,
    adminPassword: c.USERKIT_ADMIN_PASSWORD,
    mailOutbox: resolve(base, c.USERKIT_MAIL_OUTBOX ?? resolve(dataDir, 'outbox.jsonl')),
    devPrintCodes: c.USERKIT_DEV_PRINT_CODES,
  };
}
