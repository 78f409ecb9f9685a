import type { Db } from '../../../db/client.js';
import type { Clock } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { IpHasher } from '../types.js';

// OWNER: helper B (redirect hot path). Placeholder until implemented.
export function createIpHasher(_deps: { db: Db; logger: Logger; clock: Clock }): IpHasher & { start(): Promise<void>; close(): void } {
  return { hash: () => 'placeholder', start: async () => {}, close: () => {} };
}
