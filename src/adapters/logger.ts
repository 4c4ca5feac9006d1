import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * pino JSON on stderr (stdout stays for what commands print, e.g. `status --json`), with `err` serialised; readable
 * lines instead when a person watches a terminal.
 */
export function createLogger(level: string): Logger {
  const options = { level, base: { app: 'tasaeed' } };
  if (process.stderr.isTTY) return pino(options, pretty({ destination: 2, sync: true, translateTime: 'SYS:standard', ignore: 'pid,hostname,app' }));
  return pino(options, pino.destination(2));
}
