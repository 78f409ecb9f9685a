import { Redis } from 'ioredis';
import { createCoalescer } from '../coalesce.js';
import type { Logger } from '../logger.js';
import type { RateLimiter } from '../tracking/types.js';

/** One counted hit: whether it is within the limit, and what the RateLimit-* headers report. */
export interface RateLimitHit {
  allowed: boolean;
  limit: number;
  /** Hits left in this window after this one (0 when over). */
  remaining: number;
  /** Until the current window ends, by the limiter's clock. */
  resetInMs: number;
}

/** A fixed-window limiter that also reports its counts, for callers that answer with headers. */
export interface WindowRateLimiter extends RateLimiter {
  readonly kind: 'redis' | 'memory';
  readonly limit: number;
  readonly windowMs: number;
  hit(key: string): RateLimitHit | Promise<RateLimitHit>;
  /** Resolves once Redis has connected (or its first attempt failed); until then a Redis limiter fails open. */
  ready(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Names the limiter in keys and logs, e.g. `api` or `redirect`. */
  name: string;
  /** Hits allowed per key per window. */
  limit: number;
  windowMs: number;
  logger: Logger;
  /** Epoch ms; tests pass their movable clock. */
  now?: () => number;
  /** With a URL every process shares each key's count through Redis. */
  redisUrl?: string;
  /** Redis key prefix (JOBS_QUEUE_PREFIX), so parallel test runs and instances never collide. */
  prefix?: string;
  /** In-process mode: keys tracked at most; beyond it the oldest is forgotten. */
  maxKeys?: number;
}

/**
 * Windows are aligned to the clock (window n covers [n*windowMs, (n+1)*windowMs)), so every
 * process agrees on the window from its own clock and a Redis key never needs reading first.
 */
const windowOf = (now: number, windowMs: number) => Math.floor(now / windowMs);

/** Redis when `redisUrl` is given (shared by every process), else this process's memory. */
export function createRateLimiter(opts: RateLimiterOptions): WindowRateLimiter {
  return opts.redisUrl ? createRedisRateLimiter({ ...opts, redisUrl: opts.redisUrl }) : createMemoryRateLimiter(opts);
}

/** Counts per key in a Map, swept once per window; bounded so a flood of keys cannot grow it without limit. */
export function createMemoryRateLimiter(opts: RateLimiterOptions): WindowRateLimiter {
  const { limit, windowMs } = opts;
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 100_000;
  const counts = new Map<string, { window: number; count: number }>();

  const sweep = () => {
    const current = windowOf(now(), windowMs);
    for (const [key, entry] of counts) if (entry.window !== current) counts.delete(key);
  };
  const timer = setInterval(sweep, windowMs);
  timer.unref();

  const hit = (key: string): RateLimitHit => {
    const at = now();
    const window = windowOf(at, windowMs);
    let entry = counts.get(key);
    if (!entry || entry.window !== window) {
      if (!entry && counts.size >= maxKeys) {
        // Stale windows go first; if the map is still full, forget the oldest key (Map order is
        // insertion order), which at worst gives that caller a fresh count.
        sweep();
        if (counts.size >= maxKeys) counts.delete(counts.keys().next().value!);
      }
      entry = { window, count: 0 };
      counts.set(key, entry);
    }
    entry.count++;
    return { allowed: entry.count <= limit, limit, remaining: Math.max(0, limit - entry.count), resetInMs: (window + 1) * windowMs - at };
  };

  return {
    kind: 'memory',
    limit,
    windowMs,
    hit,
    allow: (key) => hit(key).allowed,
    ready: () => Promise.resolve(),
    async close() {
      clearInterval(timer);
      counts.clear();
    },
  };
}

// INCRBY and the expiry in one round trip, atomically: a key can never be left without its expiry.
// ARGV[2] hits at once: the hits of one key that arrived together (see createRedisRateLimiter).
const HIT_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if n == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

type RedisWithHit = Redis & { rateLimitHit(key: string, ttlMs: number, hits: number): Promise<number> };

/** A hit waiting for the next send; it learns its own place in its key's count, or the error. */
interface QueuedHit {
  redisKey: string;
  ttlMs: number;
  done: (result: { count: number } | { err: unknown }) => void;
}

/**
 * One Redis key per (key, window), on this limiter's own connection. When Redis fails the limiter
 * fails open: a rate limit is not worth refusing traffic for, and the trouble is logged at most
 * every LOG_EVERY_MS with the count of hits let through meanwhile.
 *
 * A busy caller's hits are counted together: those that arrive while a count is on its way go
 * in the next, one INCRBY per key in one write, and the n-th of them gets the count it would have
 * had alone (total - hits + n). Counts and refusals are exactly those of one INCR per hit.
 */
export function createRedisRateLimiter(opts: RateLimiterOptions & { redisUrl: string }): WindowRateLimiter {
  const { limit, windowMs, name } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ component: 'rate-limiter', limiter: name });
  const keyPrefix = `${opts.prefix ?? 'trellis'}:ratelimit:${name}:`;
  const redis = new Redis(opts.redisUrl, {
    // No queueing while disconnected and a short timeout: a hit never waits on a Redis outage.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    // The keys of one send leave in one write.
    enableAutoPipelining: true,
  }) as RedisWithHit;
  redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  // Settles on the first outcome either way: a limiter must not hold up a boot while Redis is away.
  const firstAttempt = new Promise<void>((resolve) => {
    for (const event of ['ready', 'error', 'end']) redis.once(event, () => resolve());
  });

  const LOG_EVERY_MS = 30_000;
  let lastWarnedAt = -Infinity;
  let letThrough = 0;
  const warn = (err: unknown) => {
    const at = Date.now();
    if (at - lastWarnedAt < LOG_EVERY_MS) return;
    lastWarnedAt = at;
    log.warn({ err, letThroughSinceLastWarning: letThrough }, 'rate limiter cannot reach Redis; allowing requests');
    letThrough = 0;
  };
  const failOpen = (err: unknown) => {
    letThrough++;
    warn(err);
  };
  // ioredis reports connection trouble as events, once per reconnect attempt: same throttle.
  redis.on('error', warn);

  const queueHit = createCoalescer<QueuedHit>(
    async (batch) => {
      const byKey = new Map<string, QueuedHit[]>();
      for (const queued of batch) {
        const hits = byKey.get(queued.redisKey);
        if (hits) hits.push(queued);
        else byKey.set(queued.redisKey, [queued]);
      }
      await Promise.all(
        [...byKey].map(async ([redisKey, hits]) => {
          try {
            const total = await redis.rateLimitHit(redisKey, hits[0]!.ttlMs, hits.length);
            hits.forEach((queued, i) => queued.done({ count: total - hits.length + i + 1 }));
          } catch (err) {
            hits.forEach((queued) => queued.done({ err }));
          }
        }),
      );
    },
    (batch, err) => batch.forEach((queued) => queued.done({ err })),
  );
  const countHit = (redisKey: string, ttlMs: number) =>
    new Promise<{ count: number } | { err: unknown }>((done) => queueHit({ redisKey, ttlMs, done }));

  const hit = async (key: string): Promise<RateLimitHit> => {
    const at = now();
    const window = windowOf(at, windowMs);
    const resetInMs = (window + 1) * windowMs - at;
    // The key outlives its window by a little so a slow clock elsewhere still finds the count.
    const result = await countHit(`${keyPrefix}${window}:${key}`, resetInMs + 1_000);
    if ('err' in result) {
      failOpen(result.err);
      return { allowed: true, limit, remaining: limit, resetInMs };
    }
    const { count } = result;
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetInMs };
  };

  return {
    kind: 'redis',
    limit,
    windowMs,
    hit,
    allow: async (key) => (await hit(key)).allowed,
    ready: () => firstAttempt,
    async close() {
      // Errors while closing (Redis already gone) are no news; an 'error' without a listener would throw.
      redis.removeListener('error', warn);
      redis.on('error', () => {});
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
