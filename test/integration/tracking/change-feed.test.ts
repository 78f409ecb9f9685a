import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createChangeFeed, type ChangeEvent } from '../../../src/change-feed.js';
import { createLogger } from '../../../src/logger.js';
import { usingRedis } from '../../helpers/database.js';

/**
 * The publisher of a change hears it at once (its own caches must not serve a revoked key for the
 * moment a Redis round trip takes), exactly once; every other process hears it through Redis.
 */
const logger = createLogger('silent');

describe(`change feed (${usingRedis() ? 'Redis' : 'local'})`, () => {
  it('delivers a change to its publisher at once and once, and to the other processes', async () => {
    const config = { REDIS_URL: process.env.REDIS_URL, JOBS_QUEUE_PREFIX: `trellis-test-${randomBytes(5).toString('hex')}` };
    const a = createChangeFeed(config, logger);
    const b = createChangeFeed(config, logger);
    try {
      await Promise.all([a.ready(), b.ready()]);
      const heardByA: ChangeEvent[] = [];
      const heardByB: ChangeEvent[] = [];
      a.subscribe((e) => heardByA.push(e));
      b.subscribe((e) => heardByB.push(e));
      const event: ChangeEvent = { topic: 'api_key', keyId: 'key_1' };
      const published = a.publish(event);
      expect(heardByA).toEqual([event]);
      await published;
      if (usingRedis()) await vi.waitFor(() => expect(heardByB).toEqual([event]), { timeout: 2_000 });
      // Long enough for A's own echo to come back from Redis, which it must not deliver again.
      await new Promise((r) => setTimeout(r, 100));
      expect(heardByA).toEqual([event]);
      // Without Redis each process is alone: nothing crosses.
      expect(heardByB).toEqual(usingRedis() ? [event] : []);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
