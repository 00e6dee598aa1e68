/**
 * The example servers' log: lines at or above USERKIT_LOG_LEVEL; errors and warnings on stderr,
 * the rest on stdout. Secrets never reach it (see dev-mailer.ts and the start-up banner).
 */
import { logLevels, type LogLevel } from './config';

export type Logger = Record<LogLevel, (line: string) => void>;

export interface LogStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processStreams: LogStreams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function createLogger(level: LogLevel, streams: LogStreams = processStreams): Logger {
  const threshold = logLevels.indexOf(level);
  const line = (at: LogLevel) => (text: string) => {
    if (logLevels.indexOf(at) > threshold) return;
    (at === 'error' || at === 'warn' ? streams.stderr : streams.stdout)(`${text}\n`);
  };
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
}
