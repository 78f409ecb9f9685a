import { and, eq } from 'drizzle-orm';
import { checkDestination } from './destination.js';
import { linkSettingsOf } from './settings.js';
import type { Db } from '../../../db/client.js';
import { links, programs } from '../../../db/schema/index.js';
import type { Logger } from '../../logger.js';
import type { CachedLink, LinkCache, LinkKey } from '../types.js';

/** Entries held at most; beyond it the oldest loaded are dropped (a slug scan cannot grow memory). */
const MAX_ENTRIES = 100_000;
/** How long a redirect waits for an expired entry's reload before answering from the stale one. */
const RELOAD_WAIT_MS = 50;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

interface Entry {
  key: string;
  /** Absent until the first load succeeds. */
  value?: CachedLink | null;
  expiresAt: number;
  /** The load in flight, shared by every request for this key. */
  loading?: Promise<CachedLink | null>;
  /** The load raced against RELOAD_WAIT_MS, shared by every request waiting on a reload. */
  briefWait?: Promise<CachedLink | null>;
  failures: number;
  retryAt: number;
}

export interface LinkCacheOptions {
  db: Db;
  logger: Logger;
  ttlMs: number;
  maxEntries?: number;
}

const keyOf = (k: LinkKey) => `${k.domain}\n${k.slug}`;

interface LinkRow {
  id: string;
  programId: string;
  ownerMemberId: string;
  status: 'active' | 'archived';
  destinationUrl: string | null;
  countryDestinations: Record<string, string>;
  params: Record<string, string>;
  programSettings: Record<string, unknown>;
}

/** The destination normalised when it passes the links domain's guard with the program's hosts today. */
function allowedDestination(url: string | null, allowedHosts: readonly string[]): string | null {
  if (!url) return null;
  const check = checkDestination(url, allowedHosts);
  return check.ok ? check.url : null;
}

/** The fallback needs no allowed host (the merchant's admin sets it), only to be a real http(s) URL. */
function httpUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * What the redirect needs, from the link row and its program's settings. Destinations are checked
 * again here because the program may have narrowed its allowed hosts since the link was saved: a
 * link whose destination is no longer allowed behaves as archived, such country overrides drop out.
 */
function cachedLinkFromRow(row: LinkRow, logger: Logger): CachedLink {
  const settings = linkSettingsOf({ settings: row.programSettings });
  // Invite links follow the program's invite destination, so changing it moves them all.
  const wanted = row.destinationUrl ?? settings.inviteDestinationUrl;
  const destination = allowedDestination(wanted, settings.allowedHosts);
  let status = row.status;
  if (status === 'active' && !destination) {
    logger.warn({ linkId: row.id, programId: row.programId, destination: wanted }, 'link destination is not an allowed host; redirecting as archived');
    status = 'archived';
  }
  const countryDestinations: Record<string, string> = {};
  for (const [country, url] of Object.entries(row.countryDestinations ?? {})) {
    const allowed = allowedDestination(url, settings.allowedHosts);
    if (allowed) countryDestinations[country.toUpperCase()] = allowed;
    else logger.warn({ linkId: row.id, country, destination: url }, 'country destination is not an allowed host; ignored');
  }
  return {
    id: row.id,
    programId: row.programId,
    ownerMemberId: row.ownerMemberId,
    status,
    destinationUrl: destination ?? '',
    countryDestinations,
    params: row.params ?? {},
    fallbackUrl: httpUrl(settings.fallbackUrl),
    attributionWindowDays: settings.attributionWindowDays,
    allowedHosts: [...settings.allowedHosts],
  };
}

/**
 * The link cache in front of the redirect. Fresh entries answer synchronously (no promise). A miss
 * loads one row; concurrent misses share the load. An expired entry reloads, and a redirect waits
 * for that at most RELOAD_WAIT_MS before answering from the stale entry; if the database is down
 * the stale entry keeps serving and the reload is retried with backoff.
 *
 * Invalidation removes the entry, and a load only stores its result if its entry is still the one
 * in the map: a load that started before a change can never put the old row back.
 */
export function createLinkCache(opts: LinkCacheOptions): LinkCache {
  const { db, logger, ttlMs } = opts;
  const maxEntries = opts.maxEntries ?? MAX_ENTRIES;
  const entries = new Map<string, Entry>();
  let hits = 0;
  let misses = 0;
  let staleServed = 0;

  async function fetchRow(domain: string, slug: string): Promise<LinkRow | undefined> {
    const [row] = await db
      .select({
        id: links.id,
        programId: links.programId,
        ownerMemberId: links.ownerMemberId,
        status: links.status,
        destinationUrl: links.destinationUrl,
        countryDestinations: links.countryDestinations,
        params: links.params,
        programSettings: programs.settings,
      })
      .from(links)
      .innerJoin(programs, eq(programs.id, links.programId))
      .where(and(eq(links.domain, domain), eq(links.slug, slug)))
      .limit(1);
    return row;
  }

  function evictIfFull() {
    // Map iteration is insertion order, and reloads re-insert: the first keys are the oldest loaded.
    for (const key of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(key);
    }
  }

  function startLoad(entry: Entry, k: LinkKey): Promise<CachedLink | null> {
    const loading = fetchRow(k.domain, k.slug).then(
      (row) => {
        const value = row ? cachedLinkFromRow(row, logger) : null;
        // Invalidated (or evicted) while loading: answer this request, but keep nothing.
        if (entries.get(entry.key) === entry) {
          entry.value = value;
          entry.expiresAt = performance.now() + ttlMs;
          entry.failures = 0;
          entries.delete(entry.key);
          entries.set(entry.key, entry);
        }
        return value;
      },
      (err: unknown) => {
        if (entry.value === undefined) {
          if (entries.get(entry.key) === entry) entries.delete(entry.key);
          throw err;
        }
        entry.failures++;
        entry.retryAt = performance.now() + Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (entry.failures - 1));
        logger.warn({ err, domain: k.domain, slug: k.slug, failures: entry.failures }, 'link reload failed; serving the cached entry');
        staleServed++;
        return entry.value;
      },
    );
    const settled = loading.finally(() => {
      entry.loading = undefined;
      entry.briefWait = undefined;
    });
    // A miss nobody awaits any more must not become an unhandled rejection.
    settled.catch(() => {});
    entry.loading = loading;
    return loading;
  }

  function waitBriefly(entry: Entry): Promise<CachedLink | null> {
    const stale = entry.value as CachedLink | null;
    entry.briefWait ??= new Promise<CachedLink | null>((resolve) => {
      const timer = setTimeout(() => {
        staleServed++;
        resolve(stale);
      }, RELOAD_WAIT_MS);
      timer.unref();
      entry.loading!.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        () => {
          clearTimeout(timer);
          resolve(stale);
        },
      );
    });
    return entry.briefWait;
  }

  return {
    get(k) {
      const key = keyOf(k);
      let entry = entries.get(key);
      if (entry !== undefined && entry.value !== undefined) {
        const now = performance.now();
        if (now < entry.expiresAt) {
          hits++;
          return entry.value;
        }
        if (entry.loading === undefined) {
          // In backoff after failed reloads: answer at once instead of waiting on a dead database.
          if (now < entry.retryAt) {
            staleServed++;
            return entry.value;
          }
          startLoad(entry, k);
        }
        hits++;
        return waitBriefly(entry);
      }
      misses++;
      if (entry === undefined) {
        entry = { key, expiresAt: 0, failures: 0, retryAt: 0 };
        entries.set(key, entry);
        evictIfFull();
      }
      return entry.loading ?? startLoad(entry, k);
    },
    invalidate(k) {
      entries.delete(keyOf(k));
    },
    invalidateProgram(programId) {
      for (const [key, entry] of entries) {
        // Entries still loading have no program yet: dropping them is the safe side.
        if (entry.value === undefined || entry.value?.programId === programId) entries.delete(key);
      }
    },
    clear() {
      entries.clear();
    },
    stats: () => ({ size: entries.size, hits, misses, staleServed }),
  };
}
