/**
 * Everything the example servers share: configuration, the data directory, the database (PGlite
 * in the data directory, or PostgreSQL from DATABASE_URL), migrations, the service, the seeded
 * super admin, tokens, the dev mailer, and the start-up order:
 *
 * 1. read the configuration (a bad value: one line naming the variable, exit 2);
 * 2. listen: a port in use fails here, before anything is written or any password is made;
 *    requests are answered 503 until step 4;
 * 3. open and migrate the database (PGlite allows one process per data directory);
 * 4. serve, then seed the super admin and print the banner.
 *
 * Each framework only supplies the request listener; any failure is one line and exit 1.
 * Shutdown (SIGTERM/SIGINT) is graceful: see graceful-shutdown.ts. Requests are logged through
 * pino (logger.ts), metrics are served when configured (metrics.ts), and the API reference UI is at
 * `/api/docs` (api-docs-assets.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { join } from 'node:path';
import { UserkitError, isUserkitError, problemContentType, toProblem } from '@userkit/core';
import { JwtTokens, PasswordPolicy, UserService, type ChangeFeed, type UserkitHandlerOptions } from '@userkit/core/server';
import { WorkerPasswordHasher } from '@userkit/core/node';
import { RedisRateLimitStore } from '@userkit/redis';
import { PgliteLockedError, createDatabase, type CreateDatabaseOptions, type UserkitDatabase } from '@userkit/kysely';
import { ConfigError, loadConfig, type Config } from './config';
import { jwtSecretFor, prepareDataDir, restrictTree } from './data-dir';
import { DevMailer } from './dev-mailer';
import { swaggerUiAssets } from './api-docs-assets';
import { shutDown } from './graceful-shutdown';
import { createLogger, type LogStreams } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { openChangeFeed, openRedis, rootMessage, type RedisClient } from './fan-out';
import { StartupError } from './startup-error';

export { StartupError } from './startup-error';

/** What a framework supplies: the Node request listener serving the userkit API. */
export type ListenerFactory = (options: UserkitHandlerOptions) => RequestListener;

export interface RunningServer {
  config: Config;
  port: number;
  /** Set when this start created the super admin; the password only when it was generated. */
  seededAdmin: { email: string; generatedPassword: string | undefined } | undefined;
  banner: string;
  /** The metrics port when USERKIT_METRICS_PORT is set (the one bound, for port 0). */
  metricsPort: number | undefined;
  /** Shuts down gracefully: unready, stop accepting, finish in-flight requests, close everything. */
  close(): Promise<void>;
}

/** A password that passes the policy: 18 random bytes, base64url (24 characters). */
function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

function databaseOptions(config: Config): CreateDatabaseOptions {
  if (!config.databaseUrl) return { pglite: { dataDir: join(config.dataDir, 'pglite') } };
  return {
    url: config.databaseUrl,
    pool: { max: config.db.poolMax, ...(config.db.statementTimeoutMs === undefined ? {} : { statement_timeout: config.db.statementTimeoutMs }) },
    preparedStatements: config.db.preparedStatements,
  };
}

/** Where the data is, for people: never the URL's credentials. */
function databaseLabel(config: Config): string {
  if (!config.databaseUrl) return `PGlite in ${join(config.dataDir, 'pglite')}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

async function openDatabase(config: Config): Promise<UserkitDatabase> {
  const label = databaseLabel(config);
  let database: UserkitDatabase;
  try {
    database = await createDatabase(databaseOptions(config));
  } catch (error) {
    if (error instanceof PgliteLockedError) throw new StartupError(error.message);
    throw new StartupError(`cannot open the database (${label}): ${rootMessage(error)}`);
  }
  try {
    await database.repository.ping();
  } catch (error) {
    await database.close().catch(() => {});
    throw new StartupError(`cannot reach the database (${label}): ${rootMessage(error)}`);
  }
  try {
    await database.migrate();
  } catch (error) {
    await database.close().catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    const cause = rootMessage(error);
    throw new StartupError(`cannot migrate the database (${label}): ${message}${cause === message ? '' : `: ${cause}`}`);
  }
  return database;
}

function listen(server: Server, port: number, variable = 'PORT'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartupError(`port ${port} is already in use (${variable}): stop what listens there or choose another port`));
      else if (error.code === 'EACCES') reject(new StartupError(`port ${port} needs privileges this process lacks (${variable}): choose a port above 1023`));
      else reject(new StartupError(`cannot listen on port ${port} (${variable}): ${error.message}`));
    };
    server.once('error', onError);
    server.listen(port, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Answers every request while the database opens: 503, as readiness probes expect. */
const starting: RequestListener = (_request, response) => {
  const problem = toProblem(new UserkitError('SERVICE_UNAVAILABLE', { detail: 'The server is starting' }));
  response.writeHead(503, { 'content-type': problemContentType, 'retry-after': '1', 'cache-control': 'no-store' }).end(JSON.stringify(problem));
};

/** The start-up banner: URLs, where the data is, and the admin password only when it was generated. */
export function banner(parts: {
  framework: string;
  port: number;
  config: Config;
  tightenedFrom: number | undefined;
  secretSource: 'env' | 'data-dir' | 'generated';
  seededAdmin: RunningServer['seededAdmin'];
}): string {
  const { config, seededAdmin } = parts;
  const base = `http://localhost:${parts.port}/api`;
  const lines = [
    `userkit (${parts.framework}) on ${databaseLabel(config)}`,
    `  API:      ${base}`,
    `  OpenAPI:  ${base}/openapi.json`,
    `  Docs:     ${base}/docs`,
    `  Health:   ${base}/health/ready`,
    `  Data:     ${config.dataDir} (private: mode 700${parts.tightenedFrom === undefined ? '' : `, tightened from ${parts.tightenedFrom.toString(8)}`})`,
    `  Outbox:   ${config.mailOutbox}${config.devPrintCodes ? ' (codes also printed here: USERKIT_DEV_PRINT_CODES)' : ''}`,
  ];
  if (parts.secretSource === 'generated') lines.push(`  JWT secret: generated and kept in ${join(config.dataDir, 'jwt-secret')}`);
  if (!seededAdmin) lines.push(`  Super admin: already present`);
  else if (seededAdmin.generatedPassword === undefined) lines.push(`  Super admin created: ${seededAdmin.email} (password from USERKIT_ADMIN_PASSWORD)`);
  else {
    lines.push(`  Super admin created: ${seededAdmin.email}`);
    lines.push(`  Password: ${seededAdmin.generatedPassword}   (generated: shown once, save it now)`);
  }
  return lines.join('\n');
}

/**
 * Starts a server: see the order at the top of this file. Resolves once the API is served and the
 * banner printed; rejects with a {@link StartupError} or {@link ConfigError}, everything closed.
 */
export async function startServer(
  framework: string,
  listenerFor: ListenerFactory,
  env: Record<string, string | undefined> = process.env,
  streams?: LogStreams,
): Promise<RunningServer> {
  const config = loadConfig(env);
  const log = createLogger(config.logLevel, { streams, pretty: config.logPretty });
  // The data directory holds secrets; PGlite ignores the umask (see data-dir.ts).
  process.umask(0o077);
  const { tightenedFrom } = prepareDataDir(config.dataDir);
  const { secret, source: secretSource } = jwtSecretFor(config.jwtSecret, config.dataDir);
  if (config.adminPassword !== undefined) {
    try {
      new PasswordPolicy().check(config.adminPassword, config.adminEmail);
    } catch (error) {
      throw new StartupError(`USERKIT_ADMIN_PASSWORD is refused by the password policy: ${isUserkitError(error) ? error.detail : rootMessage(error)}`);
    }
  }

  let listener: RequestListener = starting;
  let metrics: Metrics | undefined;
  const metricsToken = config.metricsToken;
  const server = createServer((request, response) => {
    if (metrics && metricsToken !== undefined && pathOf(request) === '/api/metrics') metrics.serve(request, response);
    else listener(request, response);
  });
  const port = await listen(server, config.port);
  let metricsServer: Server | undefined;
  const closeServer = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer?.close(() => resolve()));
  };
  let database: UserkitDatabase | undefined;
  let redis: RedisClient | undefined;
  let changeFeed: ChangeFeed | undefined;
  const liveStreams = new AbortController();
  const hasher = new WorkerPasswordHasher(); // bcrypt in worker threads: logins never stall the event loop
  let shuttingDown = false;
  try {
    let metricsPort: number | undefined;
    if (config.metricsPort !== undefined) {
      metricsServer = createServer((request, response) => {
        if (metrics && pathOf(request) === '/metrics') metrics.serve(request, response);
        else response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: see /metrics\n');
      });
      metricsPort = await listen(metricsServer, config.metricsPort, 'USERKIT_METRICS_PORT');
    }
    database = await openDatabase(config);
    if (config.redisUrl) redis = await openRedis(config.redisUrl, (line) => log.warn(line));
    changeFeed = await openChangeFeed(config, redis, (line) => log.warn(line));
    if (!config.databaseUrl) restrictTree(join(config.dataDir, 'pglite'));
    const opened = database;
    const service = new UserService({
      repository: database.repository,
      hasher,
      // Stored verification codes are keyed by the JWT secret (a separate key is derived from it).
      codeSecret: secret,
      mailer: new DevMailer({ outbox: config.mailOutbox, printCodes: config.devPrintCodes, log: (line) => log.info(line) }),
      onMailError: (error) => log.error(`userkit: could not send mail: ${rootMessage(error)}`),
    });
    if (metricsToken !== undefined || config.metricsPort !== undefined) metrics = createMetrics({ hasher, pool: opened.poolStats }, metricsToken);
    listener = listenerFor({
      service,
      tokens: new JwtTokens({ secret, ttlSeconds: config.accessTokenTtlSeconds }),
      readiness: async () => {
        if (shuttingDown) throw new UserkitError('SERVICE_UNAVAILABLE', { detail: 'Shutting down', retryAfter: 5 });
        await opened.checkMigrations();
      },
      logger: log,
      ...(metrics ? { onRequestComplete: metrics.observe } : {}),
      docs: swaggerUiAssets(),
      trustProxy: config.trustProxy,
      rateLimits: config.rateLimits,
      ...(redis ? { rateLimitStore: new RedisRateLimitStore({ client: redis }) } : {}),
      changeFeed,
      streamsSignal: liveStreams.signal,
      hsts: config.hsts,
      ...(config.corsOrigins.length > 0 ? { cors: { origins: config.corsOrigins } } : {}),
      onError: (error) => log.error(`userkit: unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`),
    });
    const password = config.adminPassword ?? generatePassword();
    let seeded: { created: boolean };
    try {
      seeded = await service.ensureSuperAdmin({ email: config.adminEmail, password });
    } catch (error) {
      throw new StartupError(`cannot create the super admin: ${isUserkitError(error) ? error.detail : rootMessage(error)}`);
    }
    const seededAdmin = seeded.created ? { email: config.adminEmail, generatedPassword: config.adminPassword === undefined ? password : undefined } : undefined;
    let text = banner({ framework, port, config, tightenedFrom, secretSource, seededAdmin });
    if (metricsToken !== undefined) text += `\n  Metrics:  http://localhost:${port}/api/metrics (bearer USERKIT_METRICS_TOKEN)`;
    if (metricsPort !== undefined) text += `\n  Metrics:  http://localhost:${metricsPort}/metrics`;
    // The banner is always shown, whatever the log level: it may carry the only copy of a generated password.
    (streams?.stdout ?? ((line: string) => process.stdout.write(line)))(`${text}\n`);
    return {
      config,
      port,
      seededAdmin,
      banner: text,
      metricsPort,
      close: () =>
        shutDown({
          server,
          markUnready: () => {
            shuttingDown = true;
            // Live statistics streams never finish by themselves: end them so draining does not wait.
            liveStreams.abort();
          },
          delayMs: config.shutdown.delayMs,
          timeoutMs: config.shutdown.timeoutMs,
          step: (message) => log.info(`userkit: shutdown: ${message}`),
          closeResources: async () => {
            if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer?.close(() => resolve()));
            await hasher.close();
            await changeFeed?.close?.();
            await redis?.quit();
            await opened.close();
          },
        }),
    };
  } catch (error) {
    await closeServer();
    await hasher.close();
    await changeFeed?.close?.().catch(() => {});
    redis?.destroy();
    await database?.close().catch(() => {});
    throw error;
  }
}

/** The path of a request, without its query. */
function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?', 1)[0] ?? '';
}

/** Start-up failures are plain lines on stderr, not log records: a person reads them (exit 1 or 2). */
interface FailureLog {
  error(line: string): void;
  debug(line: string): void;
}

const stderrLog = (debug: boolean): FailureLog => ({
  error: (line) => process.stderr.write(`${line}\n`),
  debug: (line) => (debug ? process.stderr.write(`${line}\n`) : undefined),
});

/** Writes a start-up failure as one line (the stack too at USERKIT_LOG_LEVEL=debug) and returns the exit code. */
export function reportStartupFailure(error: unknown, log: FailureLog = stderrLog(process.env['USERKIT_LOG_LEVEL'] === 'debug')): number {
  if (error instanceof ConfigError) {
    for (const line of error.lines) log.error(`userkit: ${line}`);
    return 2;
  }
  if (error instanceof StartupError) log.error(`userkit: ${error.message}`);
  else log.error(`userkit: could not start: ${rootMessage(error)}`);
  if (error instanceof Error && error.stack) log.debug(error.stack);
  return 1;
}

/** Closes the server and the database on SIGINT/SIGTERM, then exits. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`${signal}: shutting down\n`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`userkit: error while shutting down: ${rootMessage(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** The whole `main` of an example server: start, or print one line and exit non-zero. */
export async function runServer(framework: string, listenerFor: ListenerFactory): Promise<void> {
  try {
    const running = await startServer(framework, listenerFor);
    closeOnSignals(running.close);
  } catch (error) {
    // Exit at once: the password hasher's worker threads would keep the process alive.
    process.exit(reportStartupFailure(error));
  }
}
