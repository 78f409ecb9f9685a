import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, createRateLimiter, createRedisRateLimiter } from '../../../src/core/rate-limiter.js';
import { createLogger } from '../../../src/logger.js';
import { usingRedis } from '../../helpers/database.js';

/** The fixed-window counter behind the API and redirect limits, in memory and on Redis. */
const logger = createLogger('silent');

function movableClock(start = 1_700_000_040_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('rate limiter', () => {
  it('allows `limit` hits per key per window, then refuses until the next window', async () => {
    const clock = movableClock();
    // The run's mode decides the store: Redis on the real-services run, memory otherwise.
    const limiter = createRateLimiter({
      name: 'store-test',
      limit: 2,
      windowMs: 60_000,
      logger,
      now: clock.now,
      redisUrl: process.env.REDIS_URL,
      prefix: `trellis-test-${randomBytes(5).toString('hex')}`,
    });
    try {
      await limiter.ready();
      expect(limiter.kind).toBe(usingRedis() ? 'redis' : 'memory');
      expect(await limiter.allow('a')).toBe(true);
      const second = await limiter.hit('a');
      expect(second).toMatchObject({ allowed: true, limit: 2, remaining: 0 });
      expect(second.resetInMs).toBe(60_000 - (clock.now() % 60_000));
      expect(await limiter.allow('a')).toBe(false);
      expect(await limiter.allow('b')).toBe(true);
      clock.advance(60_000);
      expect(await limiter.hit('a')).toMatchObject({ allowed: true, remaining: 1 });
    } finally {
      await limiter.close();
    }
  });

  it('stays bounded in memory: past maxKeys the oldest key is forgotten', async () => {
    const limiter = createMemoryRateLimiter({ name: 'bounded', limit: 1, windowMs: 60_000, logger, maxKeys: 3 });
    try {
      expect(limiter.allow('a')).toBe(true);
      expect(limiter.allow('a')).toBe(false);
      for (const key of ['b', 'c', 'd']) expect(limiter.allow(key)).toBe(true);
      // 'a' made room for 'd', so it starts over; 'd' is still counted.
      expect(limiter.allow('a')).toBe(true);
      expect(limiter.allow('d')).toBe(false);
    } finally {
      await limiter.close();
    }
  });

  it('sweeps windows that have passed before forgetting live keys', async () => {
    const clock = movableClock();
    const limiter = createMemoryRateLimiter({ name: 'sweep', limit: 1, windowMs: 60_000, logger, now: clock.now, maxKeys: 2 });
    try {
      expect(limiter.allow('old')).toBe(true);
      clock.advance(60_000);
      expect(limiter.allow('live')).toBe(true);
      // Full: the stale 'old' entry is swept, so 'live' keeps its count.
      expect(limiter.allow('new')).toBe(true);
      expect(limiter.allow('live')).toBe(false);
    } finally {
      await limiter.close();
    }
  });

  it('fails open when Redis cannot be reached, and logs it once rather than per hit', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const limiter = createRedisRateLimiter({ name: 'down', limit: 1, windowMs: 60_000, logger: pino({ level: 'warn' }, sink), redisUrl: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 20; i++) expect(await limiter.allow('k')).toBe(true);
      const warnings = lines.filter((l) => l.includes('allowing requests'));
      expect(warnings).toHaveLength(1);
    } finally {
      await limiter.close();
    }
  });
});
