import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * Changes other processes must hear about at once, so their in-process caches (the link cache on
 * the redirect hot path) never serve stale data for long.
 */
export type ChangeEvent =
  | { topic: 'link'; domain: string; slug: string }
  | { topic: 'program'; programId: string }
  /** An API key was revoked or its signing secret rotated: the merchant key cache drops it. */
  | { topic: 'api_key'; keyId: string }
  /** Delivered locally when messages may have been missed (a Redis reconnect): drop everything. */
  | { topic: 'reset' };

export interface ChangeFeed {
  readonly kind: 'redis' | 'local';
  /** Resolves once this process hears changes (the Redis subscription is live). */
  ready(): Promise<void>;
  /** Fire and forget from the caller's view: a failed publish is logged, caches still expire by TTL. */
  publish(event: ChangeEvent): Promise<void>;
  subscribe(listener: (event: ChangeEvent) => void): () => void;
  close(): Promise<void>;
}

type Listener = (event: ChangeEvent) => void;

function deliver(listeners: Set<Listener>, event: ChangeEvent, logger: Logger) {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch (err) {
      logger.error({ err, event }, 'change listener failed');
    }
  }
}

/**
 * Without Redis there is one process; a change reaches only this process's own caches, and caches
 * in other processes (there should be none) fall back on their short TTL.
 */
export function createLocalChangeFeed(logger: Logger): ChangeFeed {
  const listeners = new Set<Listener>();
  return {
    kind: 'local',
    ready: () => Promise.resolve(),
    async publish(event) {
      deliver(listeners, event, logger);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}

/**
 * Redis pub/sub on `<prefix>:changes`. The publisher hears its own change at once (a revoked API key
 * must stop working in the process that revoked it before the revoke call answers) and skips its
 * echo; every other process hears it through Redis. After a reconnect the subscriber may have missed
 * messages, so it tells its listeners to reset.
 */
export function createRedisChangeFeed(opts: { redisUrl: string; prefix: string; logger: Logger }): ChangeFeed {
  const channel = `${opts.prefix}:changes`;
  const listeners = new Set<Listener>();
  const publisher = new Redis(opts.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  const subscriber = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  let connectedOnce = false;
  let closed = false;
  // Marks this feed's own messages, so the echo from Redis is not delivered a second time.
  const origin = randomUUID();

  subscriber.on('message', (ch: string, raw: string) => {
    if (ch !== channel) return;
    try {
      const { origin: from, ...event } = JSON.parse(raw) as ChangeEvent & { origin?: string };
      if (from === origin) return;
      deliver(listeners, event as ChangeEvent, opts.logger);
    } catch (err) {
      opts.logger.warn({ err }, 'ignored a malformed change message');
    }
  });
  subscriber.on('ready', () => {
    if (connectedOnce) deliver(listeners, { topic: 'reset' }, opts.logger);
    connectedOnce = true;
  });
  subscriber.on('error', (err) => opts.logger.warn({ err }, 'change feed subscriber error'));
  publisher.on('error', (err) => opts.logger.warn({ err }, 'change feed publisher error'));
  // ioredis re-subscribes to the channel itself after a reconnect.
  const subscribed = subscriber.subscribe(channel).catch((err) => {
    opts.logger.error({ err }, 'change feed could not subscribe; caches fall back on their TTL');
  });

  return {
    kind: 'redis',
    ready: async () => {
      await subscribed;
    },
    async publish(event) {
      if (closed) return;
      deliver(listeners, event, opts.logger);
      try {
        await publisher.publish(channel, JSON.stringify({ ...event, origin }));
      } catch (err) {
        opts.logger.warn({ err, event }, 'change not published; other processes see it when their cache expires');
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      await subscribed;
      listeners.clear();
      await Promise.allSettled([subscriber.quit(), publisher.quit()]);
    },
  };
}

/** Redis pub/sub when REDIS_URL is set, else local to this process. */
export function createChangeFeed(config: { REDIS_URL?: string; JOBS_QUEUE_PREFIX: string }, logger: Logger): ChangeFeed {
  if (config.REDIS_URL) return createRedisChangeFeed({ redisUrl: config.REDIS_URL, prefix: config.JOBS_QUEUE_PREFIX, logger });
  return createLocalChangeFeed(logger);
}
