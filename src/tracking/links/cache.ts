import type { Db } from '../../../db/client.js';
import type { Clock } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { LinkCache } from '../types.js';

// OWNER: helper B (redirect hot path). Placeholder until implemented: knows no links.
export function createLinkCache(_deps: { db: Db; logger: Logger; clock: Clock; ttlMs: number }): LinkCache {
  return {
    get: () => null,
    invalidate: () => {},
    invalidateProgram: () => {},
    clear: () => {},
    stats: () => ({ size: 0, hits: 0, misses: 0, staleServed: 0 }),
  };
}
