import pino, { type Logger } from 'pino';

export type { Logger };

/** The one structured logger; requests and jobs take children of it. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'trellis', ...base } });
}
