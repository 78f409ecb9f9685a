import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { links } from '../../../db/schema/index.js';
import { publishAfterCommit, withTransaction } from '../../../src/context.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createSecondInstance, type SecondInstance } from '../../helpers/second-instance.js';
import { follow, insertLink, linkWorld } from './redirect-fixtures.js';

/**
 * Two API processes on one PostgreSQL (and one Redis in the real-services run): a change made
 * through instance A reaches instance B's link cache within a second, by Redis pub/sub when
 * REDIS_URL is set and by the short cache TTL otherwise.
 */
let h: Harness;
let b: SecondInstance;
beforeAll(async () => {
  h = await createHarness();
  b = await createSecondInstance(h);
});
afterAll(async () => {
  await b?.close();
  await h?.close();
});

const WITHIN_A_SECOND = { timeout: 1_000, interval: 20 };
const locationOf = async (instance: Pick<Harness, 'request'>, slug: string) => (await follow(instance, slug)).headers.get('location');
const withoutClickId = (location: string | null) => location?.replace(/[?&]trellis_click=[^&#]+/, '') ?? null;

/** What the links service does on a change: write, and announce it to every process once committed. */
async function changeLink(link: { id: string; domain: string; slug: string }, set: Partial<typeof links.$inferInsert>) {
  await withTransaction(h.ctx(), async (tx) => {
    await tx.db.update(links).set({ ...set, updatedAt: new Date() }).where(eq(links.id, link.id));
    publishAfterCommit(tx, { topic: 'link', domain: link.domain, slug: link.slug });
  });
}

describe('link cache invalidation across two app instances', () => {
  it('a new destination reaches the other instance within a second', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w, { destinationUrl: 'https://shop.example/old' });
    // Warm both caches.
    expect(withoutClickId(await locationOf(h, link.slug))).toBe('https://shop.example/old');
    expect(withoutClickId(await locationOf(b, link.slug))).toBe('https://shop.example/old');
    expect(b.tracking.links.stats().size).toBeGreaterThan(0);

    await changeLink(link, { destinationUrl: 'https://shop.example/new' });
    await expect.poll(async () => withoutClickId(await locationOf(b, link.slug)), WITHIN_A_SECOND).toBe('https://shop.example/new');
    expect(withoutClickId(await locationOf(h, link.slug))).toBe('https://shop.example/new');
  });

  it('an archived link goes to the fallback on the other instance within a second', async () => {
    const w = await linkWorld(h, { fallbackUrl: 'https://shop.example/offers' });
    const link = await insertLink(h, w);
    expect(withoutClickId(await locationOf(b, link.slug))).toBe('https://shop.example/landing');

    await changeLink(link, { status: 'archived', archivedAt: new Date() });
    await expect.poll(() => locationOf(b, link.slug), WITHIN_A_SECOND).toBe('https://shop.example/offers');
  });

  it('a program settings change (fallback URL) through the API reaches the other instance within a second', async () => {
    const w = await linkWorld(h, { fallbackUrl: 'https://shop.example/offers' });
    const link = await insertLink(h, w, { status: 'archived', archivedAt: new Date() });
    expect(await locationOf(b, link.slug)).toBe('https://shop.example/offers');

    const res = await h.request('PATCH', `/v1/programs/${w.program.id}`, {
      token: w.tokens.admin,
      body: { settings: { links: { fallbackUrl: 'https://shop.example/spring-sale' } } },
    });
    expect(res.status).toBe(200);
    await expect.poll(() => locationOf(b, link.slug), WITHIN_A_SECOND).toBe('https://shop.example/spring-sale');
  });

  it('a link created on a slug the other instance had cached as unknown is followed within a second', async () => {
    const w = await linkWorld(h);
    const slug = `late${Date.now().toString(36)}`;
    expect((await follow(b, slug)).status).toBe(404);
    expect((await follow(b, slug)).status).toBe(404); // now a cached negative entry

    await withTransaction(h.ctx(), async (tx) => {
      await tx.db.insert(links).values({ programId: w.program.id, ownerMemberId: w.affiliate.member.id, kind: 'affiliate', slug, destinationUrl: 'https://shop.example/born-late' });
      publishAfterCommit(tx, { topic: 'link', domain: '', slug });
    });
    await expect.poll(async () => withoutClickId(await locationOf(b, slug)), WITHIN_A_SECOND).toBe('https://shop.example/born-late');
  });
});
