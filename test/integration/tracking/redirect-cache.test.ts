import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { links, members, programs, tenants } from '../../../db/schema/index.js';
import { createLocalChangeFeed } from '../../../src/change-feed.js';
import { loadConfig } from '../../../src/config.js';
import { systemClock } from '../../../src/context.js';
import { createLogger } from '../../../src/logger.js';
import { createLinkCache } from '../../../src/tracking/links/cache.js';
import { createRedirectHandler, type RedirectRequest } from '../../../src/tracking/redirect/handler.js';
import { createTracking } from '../../../src/tracking/runtime.js';
import { createTestDatabase } from '../../helpers/database.js';
import { randomSecretKey, testSecrets } from '../../helpers/secrets.js';
import { BROWSER_UA } from './redirect-fixtures.js';

/**
 * The link cache against a database that goes away: each test has its own database, which it
 * closes, so redirects can be seen to keep working from memory (and to fail cleanly on a miss).
 */
const logger = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(ttlMs: number) {
  const database = await createTestDatabase({ poolSize: 2 });
  cleanups.push(() => database.drop());
  const [tenant] = await database.db.insert(tenants).values({ name: 'T' }).returning();
  const [program] = await database.db
    .insert(programs)
    .values({ tenantId: tenant!.id, name: 'P', payoutCurrency: 'EUR', settings: { links: { allowedHosts: ['shop.example'] } } })
    .returning();
  const [member] = await database.db.insert(members).values({ programId: program!.id, email: 'a@example.test', emailNormalized: 'a@example.test' }).returning();
  const insertLink = async (slug: string, destinationUrl = 'https://shop.example/landing') =>
    (await database.db.insert(links).values({ programId: program!.id, ownerMemberId: member!.id, kind: 'affiliate', slug, destinationUrl }).returning())[0]!;
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', LINK_CACHE_TTL_MS: String(ttlMs), SECRET_KEY: randomSecretKey() });
  const tracking = createTracking({ config, db: database.db, logger, clock: systemClock, changes: createLocalChangeFeed(logger), keyring: testSecrets().keyring });
  await tracking.start();
  cleanups.push(() => tracking.close());
  const handler = createRedirectHandler({ tracking, config, clock: systemClock, logger });
  // HEAD: these tests are about lookups, and a database that is gone could not take clicks.
  const follow = (slug: string) => {
    const request: RedirectRequest = { method: 'HEAD', slug, host: 'localhost', query: '', header: (n) => (n === 'user-agent' ? BROWSER_UA : undefined), socketAddress: '192.0.2.1', socketTls: false };
    return Promise.resolve(handler(request));
  };
  return { database, tracking, insertLink, follow };
}

describe('link cache', () => {
  it('answers a fresh entry synchronously and shares one load among concurrent misses', async () => {
    const { database, insertLink } = await setup(60_000);
    await insertLink('shared-load');
    const cache = createLinkCache({ db: database.db, logger, ttlMs: 60_000 });
    const key = { domain: '', slug: 'shared-load' };
    const loads = Array.from({ length: 10 }, () => cache.get(key));
    expect(loads[0]).toBeInstanceOf(Promise);
    expect(new Set(loads).size).toBe(1);
    const loaded = await loads[0];
    const cached = cache.get(key);
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toBe(loaded);
    expect(cache.stats()).toMatchObject({ size: 1, misses: 10, hits: 1 });
    // Unknown slugs are cached too, as null.
    expect(await cache.get({ domain: '', slug: 'nothing-here' })).toBeNull();
    expect(cache.get({ domain: '', slug: 'nothing-here' })).toBeNull();
  });

  it('never puts back a row loaded before an invalidation', async () => {
    const { database, insertLink } = await setup(60_000);
    const link = await insertLink('racy-link', 'https://shop.example/old');
    const cache = createLinkCache({ db: database.db, logger, ttlMs: 60_000 });
    const key = { domain: '', slug: 'racy-link' };
    const inFlight = cache.get(key);
    await database.db.update(links).set({ destinationUrl: 'https://shop.example/new' }).where(eq(links.id, link.id));
    cache.invalidate(key);
    await inFlight; // old or new: it was read around the change
    const after = cache.get(key);
    expect(after).toBeInstanceOf(Promise); // not cached from the stale load
    expect((await after)!.destinationUrl).toBe('https://shop.example/new');

    const beforeProgramChange = cache.get({ domain: '', slug: 'racy-link' });
    expect(beforeProgramChange).not.toBeInstanceOf(Promise);
    cache.invalidateProgram(link.programId);
    expect(cache.get(key)).toBeInstanceOf(Promise);
  });

  it('stays bounded, dropping the oldest entries', async () => {
    const { database } = await setup(60_000);
    const cache = createLinkCache({ db: database.db, logger, ttlMs: 60_000, maxEntries: 3 });
    for (const slug of ['aaa1', 'aaa2', 'aaa3', 'aaa4', 'aaa5']) await cache.get({ domain: '', slug });
    expect(cache.stats().size).toBe(3);
    expect(cache.get({ domain: '', slug: 'aaa5' })).toBeNull();
    expect(cache.get({ domain: '', slug: 'aaa1' })).toBeInstanceOf(Promise);
  });

  it('keeps redirecting from expired entries while the database is down, and answers 503 for links it never saw', async () => {
    const { database, tracking, insertLink, follow } = await setup(100);
    await insertLink('survivor', 'https://shop.example/still-here');
    expect(await follow('survivor')).toEqual({ status: 302, location: 'https://shop.example/still-here', cookie: null });

    await database.close();
    await new Promise((r) => setTimeout(r, 150)); // past the TTL
    for (let i = 0; i < 3; i++) {
      expect(await follow('survivor')).toEqual({ status: 302, location: 'https://shop.example/still-here', cookie: null });
    }
    expect(tracking.links.stats().staleServed).toBeGreaterThanOrEqual(3);
    expect(await follow('never-seen')).toEqual({ status: 503, retryAfterSeconds: 5 });
  });
});
