import type { Db } from '../../../db/client.js';
import type { Clock } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { ClickBuffer } from '../types.js';

export interface ClickBufferOptions {
  db: Db;
  logger: Logger;
  clock: Clock;
  flushIntervalMs: number;
  batchSize: number;
  maxBuffered: number;
  waitForRoomMs: number;
}

// OWNER: helper C (click pipeline). Placeholder until implemented: drops clicks.
export function createClickBuffer(_opts: ClickBufferOptions): ClickBuffer & { start(): void } {
  return {
    add: () => {},
    flush: async () => {},
    close: async () => {},
    start: () => {},
    stats: () => ({ buffered: 0, waiting: 0, written: 0, shed: 0, failedFlushes: 0, lastFlushError: null }),
  };
}
