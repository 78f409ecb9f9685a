import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clicks } from '../../../db/schema/partitioned.js';
import { usingRedis } from '../../helpers/database.js';
import { createLink, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createSecondInstance } from '../../helpers/second-instance.js';

/**
 * The opt-in per-IP redirect limit (REDIRECT_RATE_LIMIT_PER_MINUTE): past it a visitor gets 429
 * and no click is recorded; other visitors are untouched; with Redis every process shares the count.
 */
const LIMIT = 2;
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
let h: Harness;
let slug: string;
let linkId: string;
beforeAll(async () => {
  h = await createHarness({ env: { REDIRECT_RATE_LIMIT_PER_MINUTE: String(LIMIT), TRACKING_CLIENT_IP_HEADER: 'x-forwarded-for' } });
  const w = await createWorld(h, { links: {} });
  const link = await createLink(h, w);
  slug = link.slug;
  linkId = link.id;
});
afterAll(async () => h?.close());

/** Windows are aligned to the minute: start each test at the beginning of a fresh one. */
function freshWindow(): void {
  h.clock.set(new Date((Math.floor(h.clock().getTime() / 60_000) + 1) * 60_000 + 100));
}

const visit = (app: Harness['app'], ip: string) =>
  app.request(`/r/${slug}`, { headers: { 'x-forwarded-for': ip, 'user-agent': BROWSER, accept: 'application/json' } });

async function storedClicks(): Promise<number> {
  await h.tracking.clicks.flush();
  const [row] = await h.db.select({ n: sql<number>`count(*)::int` }).from(clicks).where(eq(clicks.linkId, linkId));
  return row!.n;
}

describe('redirect rate limit', () => {
  it('answers 429 past the limit, records no click for it, and leaves other visitors alone', async () => {
    freshWindow();
    const before = await storedClicks();
    for (let i = 0; i < LIMIT; i++) expect((await visit(h.app, '198.51.100.7')).status).toBe(302);
    const refused = await visit(h.app, '198.51.100.7');
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await visit(h.app, '198.51.100.8')).status).toBe(302);
    expect(await storedClicks()).toBe(before + LIMIT + 1);
  });

  it('lets the visitor through again in the next window', async () => {
    freshWindow();
    for (let i = 0; i < LIMIT; i++) await visit(h.app, '198.51.100.9');
    expect((await visit(h.app, '198.51.100.9')).status).toBe(429);
    h.clock.advance(60_000);
    expect((await visit(h.app, '198.51.100.9')).status).toBe(302);
  });

  it(usingRedis() ? 'shares one count between processes through Redis' : 'counts per process without Redis', async () => {
    freshWindow();
    const other = await createSecondInstance(h);
    try {
      expect((await visit(h.app, '198.51.100.10')).status).toBe(302);
      expect((await visit(other.app, '198.51.100.10')).status).toBe(302);
      // The limit is spent across both with Redis; without it the other process has its own budget.
      expect((await visit(other.app, '198.51.100.10')).status).toBe(usingRedis() ? 429 : 302);
      expect((await visit(h.app, '198.51.100.10')).status).toBe(usingRedis() ? 429 : 302);
      if (!usingRedis()) expect((await visit(h.app, '198.51.100.10')).status).toBe(429);
    } finally {
      await other.close();
    }
  });
});
