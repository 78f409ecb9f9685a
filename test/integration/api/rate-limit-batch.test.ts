import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../src/core/rate-limiter.js';
import { createLogger } from '../../../src/logger.js';
import { usingRedis } from '../../helpers/database.js';

/**
 * Concurrent hits of one key share a Redis round trip (INCRBY n); each must still get exactly the
 * count and answer it would have had alone.
 */
const logger = createLogger('silent');

describe(`rate limiter under concurrent hits (${usingRedis() ? 'Redis' : 'memory'})`, () => {
  it('counts every hit once and refuses exactly those past the limit', async () => {
    const now = () => 1_700_000_040_000;
    const limiter = createRateLimiter({ name: 'batch-test', limit: 5, windowMs: 60_000, logger, now, redisUrl: process.env.REDIS_URL, prefix: `trellis-test-${randomBytes(5).toString('hex')}` });
    try {
      await limiter.ready();
      const hits = await Promise.all(Array.from({ length: 8 }, (_, i) => limiter.hit(i % 4 === 3 ? 'other' : 'busy')));
      const busy = hits.filter((_, i) => i % 4 !== 3);
      expect(busy.filter((hit) => hit.allowed)).toHaveLength(5);
      expect(busy.map((hit) => hit.remaining).sort()).toEqual([0, 0, 1, 2, 3, 4]);
      expect(hits.filter((_, i) => i % 4 === 3).map((hit) => hit.remaining)).toEqual([4, 3]);
      // Later hits continue from the shared count.
      expect(await limiter.hit('busy')).toMatchObject({ allowed: false, remaining: 0 });
      expect(await limiter.hit('other')).toMatchObject({ allowed: true, remaining: 2 });
    } finally {
      await limiter.close();
    }
  });
});
