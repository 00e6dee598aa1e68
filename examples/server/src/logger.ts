/**
 * The example servers' logs, through pino: one JSON object per line at or above
 * USERKIT_LOG_LEVEL, errors and warnings on stderr, the rest on stdout. The handler writes one line
 * per request (`reqId`, method, route pattern, status, duration, user id) and one per security
 * event; their fields are whitelisted in core (request-log.ts), so no body, token or password can
 * reach them. Mail lines carry the envelope only (see dev-mailer.ts).
 *
 * In development the lines are human-readable (pino-pretty) when stdout is a terminal or
 * USERKIT_LOG_PRETTY=on. pino-pretty is a development dependency: a production install without it
 * falls back to JSON.
 *
 * Start-up failures are not logged through here: they are one plain line each (see bootstrap.ts).
 */
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config';

export type Logger = PinoLogger;

/** Where the lines go; tests pass their own. Default: the process's stdout and stderr. */
export interface LogStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface LoggerOptions {
  streams?: LogStreams | undefined;
  /** Human-readable lines; default: when stdout is a terminal. */
  pretty?: boolean | undefined;
}

interface PrettyOptions {
  colorize: boolean;
  destination: number;
  sync: boolean;
  translateTime: string;
  ignore: string;
  singleLine: boolean;
  messageFormat: string;
}

type PrettyFactory = (options: PrettyOptions) => DestinationStream;

/** pino-pretty when installed (a development dependency of this example), else undefined. */
function loadPretty(): PrettyFactory | undefined {
  try {
    const module = createRequire(import.meta.url)('pino-pretty') as PrettyFactory | { default: PrettyFactory };
    return typeof module === 'function' ? module : module.default;
  } catch {
    return undefined;
  }
}

function destinations(options: LoggerOptions): { out: DestinationStream; err: DestinationStream } {
  if (options.streams) {
    const { stdout, stderr } = options.streams;
    return { out: { write: (line: string) => stdout(line) }, err: { write: (line: string) => stderr(line) } };
  }
  const pretty = (options.pretty ?? process.stdout.isTTY === true) ? loadPretty() : undefined;
  if (pretty) {
    // One line per request: `[time] INFO: [<request id>] GET /users/{id} 200 3.1ms {"userId":7}`.
    const common = {
      colorize: process.stdout.isTTY === true,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,reqId,method,route,status,durationMs',
      singleLine: true,
      messageFormat: '{if reqId}[{reqId}] {end}{msg}{if durationMs} {durationMs}ms{end}',
    };
    return { out: pretty({ ...common, destination: 1 }), err: pretty({ ...common, destination: 2 }) };
  }
  // Synchronous writes: a line written just before `process.exit` is not lost.
  return { out: pino.destination({ fd: 1, sync: true }), err: pino.destination({ fd: 2, sync: true }) };
}

/**
 * The server's logger.
 *
 * @example
 * ```ts
 * const log = createLogger('info');
 * log.info({ port: 3000 }, 'listening');
 * ```
 */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const { out, err } = destinations(options);
  // dedupe: a line goes to the one stream with the highest matching level (warn and error: stderr only).
  const streams = pino.multistream(
    [
      { level: 'debug', stream: out },
      { level: 'warn', stream: err },
    ],
    { dedupe: true },
  );
  return pino({ level, timestamp: pino.stdTimeFunctions.isoTime }, streams);
}
