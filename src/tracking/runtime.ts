import type { Db } from '../../db/client.js';
import type { ChangeFeed } from '../change-feed.js';
import type { Config } from '../config.js';
import type { Clock } from '../context.js';
import type { Logger } from '../logger.js';
import { createClickBuffer } from './clicks/buffer.js';
import { createIpHasher } from './clicks/ip-hash.js';
import { createLinkCache } from './links/cache.js';
import type { Tracking } from './types.js';

export type TrackingConfig = Pick<
  Config,
  | 'REDIS_URL'
  | 'LINK_CACHE_TTL_MS'
  | 'CLICK_FLUSH_INTERVAL_MS'
  | 'CLICK_FLUSH_BATCH_SIZE'
  | 'CLICK_BUFFER_MAX'
  | 'CLICK_BUFFER_WAIT_MS'
>;

/**
 * One per API process (and per app instance in tests). Everything here is a cache or a buffer in
 * front of the database: losing it loses nothing that was acknowledged, except the buffered
 * clicks, which close() writes out.
 */
export function createTracking(deps: { config: TrackingConfig; db: Db; logger: Logger; clock: Clock; changes: ChangeFeed }): Tracking {
  const { config, db, logger, clock, changes } = deps;
  const log = logger.child({ component: 'tracking' });
  // With Redis, pub/sub carries every change at once and the TTL is only a safety net.
  const ttlMs = config.LINK_CACHE_TTL_MS ?? (config.REDIS_URL ? 60_000 : 1_000);
  const links = createLinkCache({ db, logger: log, clock, ttlMs });
  const ipHasher = createIpHasher({ db, logger: log, clock });
  const clicks = createClickBuffer({
    db,
    logger: log,
    clock,
    flushIntervalMs: config.CLICK_FLUSH_INTERVAL_MS,
    batchSize: config.CLICK_FLUSH_BATCH_SIZE,
    maxBuffered: config.CLICK_BUFFER_MAX,
    waitForRoomMs: config.CLICK_BUFFER_WAIT_MS,
  });
  let unsubscribe: (() => void) | undefined;

  return {
    links,
    clicks,
    ipHasher,
    changes,
    async start() {
      unsubscribe = changes.subscribe((event) => {
        if (event.topic === 'link') links.invalidate(event);
        else if (event.topic === 'program') links.invalidateProgram(event.programId);
        else links.clear();
      });
      await changes.ready();
      await ipHasher.start();
      clicks.start();
    },
    async close() {
      unsubscribe?.();
      await clicks.close();
      ipHasher.close();
    },
  };
}
