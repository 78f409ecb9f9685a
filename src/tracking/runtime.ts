import type { Db } from '../../db/client.js';
import type { ChangeFeed } from '../change-feed.js';
import type { Config } from '../config.js';
import type { Clock } from '../context.js';
import type { Logger } from '../logger.js';
import type { Keyring } from '../secrets/index.js';
import { createApiKeyCache } from '../core/auth/api-key-cache.js';
import { createRateLimiter } from '../core/rate-limiter.js';
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
  | 'REDIRECT_RATE_LIMIT_PER_MINUTE'
  | 'JOBS_QUEUE_PREFIX'
>;

/**
 * How long a cached API key is trusted without hearing of a change. Revocations, signing secret
 * rotations and program settings changes made through the API reach every process at once through
 * the change feed (Redis); the TTL bounds a direct database edit or a lost message, at one query
 * per key per period. Without Redis another process would hear nothing, so it is short, as the
 * link cache's is.
 */
const apiKeyCacheTtlMs = (changes: ChangeFeed) => (changes.kind === 'redis' ? 5_000 : 500);

/**
 * One per API process (and per app instance in tests). Everything here is a cache or a buffer in
 * front of the database: losing it loses nothing that was acknowledged, except the buffered
 * clicks, which close() writes out.
 */
export function createTracking(deps: { config: TrackingConfig; db: Db; logger: Logger; clock: Clock; changes: ChangeFeed; keyring: Keyring }): Tracking {
  const { config, db, logger, clock, changes } = deps;
  const log = logger.child({ component: 'tracking' });
  // With Redis, pub/sub carries every change at once and the TTL is only a safety net.
  const ttlMs = config.LINK_CACHE_TTL_MS ?? (config.REDIS_URL ? 60_000 : 500);
  // Cache freshness and flush timing run on real time: a test moving the clock cannot stall them.
  const links = createLinkCache({ db, logger: log, ttlMs });
  const ipHasher = createIpHasher({ db, logger: log, clock });
  const clicks = createClickBuffer({
    db,
    logger: log,
    flushIntervalMs: config.CLICK_FLUSH_INTERVAL_MS,
    batchSize: config.CLICK_FLUSH_BATCH_SIZE,
    maxBuffered: config.CLICK_BUFFER_MAX,
    waitForRoomMs: config.CLICK_BUFFER_WAIT_MS,
  });
  // Off by default: abuse of redirects shows up as bot, duplicate and velocity signals instead.
  const redirectLimiter =
    config.REDIRECT_RATE_LIMIT_PER_MINUTE > 0
      ? createRateLimiter({
          name: 'redirect',
          limit: config.REDIRECT_RATE_LIMIT_PER_MINUTE,
          windowMs: 60_000,
          logger: log,
          now: () => clock().getTime(),
          redisUrl: config.REDIS_URL,
          prefix: config.JOBS_QUEUE_PREFIX,
        })
      : undefined;
  // Merchant calls authenticate from memory; the feed drops revoked keys and changed programs at once.
  const apiKeys = createApiKeyCache({ db, keyring: deps.keyring, ttlMs: apiKeyCacheTtlMs(changes) });
  let unsubscribe: (() => void) | undefined;

  return {
    links,
    clicks,
    ipHasher,
    changes,
    apiKeys,
    ...(redirectLimiter ? { redirectLimiter } : {}),
    async start() {
      unsubscribe = changes.subscribe((event) => {
        apiKeys.apply(event);
        if (event.topic === 'link') links.invalidate(event);
        else if (event.topic === 'program') links.invalidateProgram(event.programId);
        else if (event.topic === 'reset') links.clear();
      });
      await changes.ready();
      await ipHasher.start();
      // Like the change feed: with Redis configured, counting starts once it is connected.
      await redirectLimiter?.ready();
      clicks.start();
    },
    async close() {
      unsubscribe?.();
      await clicks.close();
      ipHasher.close();
      await redirectLimiter?.close();
    },
  };
}
