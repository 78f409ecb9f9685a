import type { ChangeFeed } from '../change-feed.js';
import type { ApiKeyCache } from '../core/auth/api-key-cache.js';
import type { ClickSubIds } from '../../db/schema/partitioned.js';

/**
 * What the redirect needs to answer for one slug, held in each API process's memory. Built from
 * the link row and its program's `links` settings, so the hot path never reads the database.
 */
export interface CachedLink {
  id: string;
  programId: string;
  ownerMemberId: string;
  status: 'active' | 'archived';
  destinationUrl: string;
  /** Visitor country (upper case) -> destination, each already checked against the allowed hosts. */
  countryDestinations: Record<string, string>;
  /** utm_* and sub1..sub5 appended to the destination. */
  params: Record<string, string>;
  /** Where an archived link sends visitors; null means the 404 page. */
  fallbackUrl: string | null;
  /** Cookie lifetime, from the program's attribution window. */
  attributionWindowDays: number;
  /** Hosts destinations may point at (program setting), re-checked at redirect time. */
  allowedHosts: string[];
}

/** A slug is unique per domain; '' is the instance's shared domain. */
export interface LinkKey {
  domain: string;
  slug: string;
}

export interface LinkCache {
  /**
   * The link for (domain, slug), or null when there is none. Answers from memory when it can
   * (a plain value, no promise); a miss or an expired entry loads from the database, and when the
   * database fails an expired entry is served rather than failing the redirect.
   */
  get(key: LinkKey): CachedLink | null | Promise<CachedLink | null>;
  /** Drops entries (change feed events land here). */
  invalidate(key: LinkKey): void;
  invalidateProgram(programId: string): void;
  clear(): void;
  stats(): { size: number; hits: number; misses: number; staleServed: number };
}

/** A click the redirect has answered and the buffer has yet to write. */
export interface PendingClick {
  id: string;
  clickedAt: Date;
  linkId: string;
  programId: string;
  ownerMemberId: string;
  /** ISO country from the trusted header, else 'XX'. */
  country: string;
  uaClass: 'desktop' | 'mobile' | 'tablet' | 'bot' | 'other';
  referrerHost: string | null;
  ipHash: string;
  subIds: ClickSubIds | null;
}

export interface ClickBufferStats {
  /** Clicks in memory, not yet written. */
  buffered: number;
  /** Redirects waiting for room in a full buffer. */
  waiting: number;
  written: number;
  /** Redirects answered without recording their click because the buffer stayed full. */
  shed: number;
  failedFlushes: number;
  lastFlushError: string | null;
}

export interface ClickBuffer {
  /**
   * Queues a click. Returns nothing while there is room; when the buffer is full it returns a
   * promise that resolves once there is room (backpressure), or after CLICK_BUFFER_WAIT_MS with
   * the click shed and counted in stats.
   */
  add(click: PendingClick): void | Promise<void>;
  /** Writes everything buffered now (tests, shutdown). Rejects if the database refuses. */
  flush(): Promise<void>;
  /** Stops the timer and writes everything, retrying until it succeeds or `deadlineMs` passes. */
  close(deadlineMs?: number): Promise<void>;
  stats(): ClickBufferStats;
}

export interface IpHasher {
  /** HMAC-SHA256 of the IP under the secret of `at`'s UTC day, base64url, 22 chars (128 bits). */
  hash(ip: string, at: Date): string;
}

/** Fixed-window counter per key (Redis when configured, so every process shares the count). */
export interface RateLimiter {
  /** Counts one hit for `key`; false when the key is over its limit in the current window. */
  allow(key: string): boolean | Promise<boolean>;
  close(): Promise<void>;
}

/** The tracking pieces one API process holds: caches, buffer, hasher, change feed. */
export interface Tracking {
  links: LinkCache;
  clicks: ClickBuffer;
  ipHasher: IpHasher;
  changes: ChangeFeed;
  /** Merchant API keys (with signing secret and program settings) by secret hash, for merchant calls. */
  apiKeys: ApiKeyCache;
  /** Per-client-IP limit on redirects; absent unless REDIRECT_RATE_LIMIT_PER_MINUTE is set. */
  redirectLimiter?: RateLimiter;
  /** Loads the day secrets, subscribes to changes, starts the flush timer. */
  start(): Promise<void>;
  /** Flushes the clicks (SIGTERM), stops timers, unsubscribes. Does not close the change feed's owner. */
  close(): Promise<void>;
}
