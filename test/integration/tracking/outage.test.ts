import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { createLinks, eventually, rollupsOf } from '../../helpers/clicks.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * The database goes away while redirects keep coming: they answer from the link cache, their
 * clicks wait in the buffer through failed writes, and once the database is back each click is
 * written exactly once.
 */

let h: Harness;
let restore: (() => Promise<void>) | undefined;
beforeAll(async () => {
  // A short cache lifetime, so entries expire mid-outage and must be served stale.
  h = await createHarness({ env: { TRACKING_CLIENT_IP_HEADER: 'x-forwarded-for', LINK_CACHE_TTL_MS: '200' } });
});
afterAll(async () => {
  await restore?.();
  await h?.close();
});

/**
 * PostgreSQL: the database refuses connections and its sessions are cut. PGlite runs in this
 * process and cannot go down, so the tables the redirect and the writer need are moved aside.
 */
async function takeDatabaseDown(): Promise<() => Promise<void>> {
  if (h.databaseUrl) {
    const name = new URL(h.databaseUrl).pathname.slice(1);
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`alter database "${name}" allow_connections false`);
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
    return async () => {
      await admin.unsafe(`alter database "${name}" allow_connections true`);
      await admin.end();
    };
  }
  await h.db.execute(sql`alter table clicks rename to clicks_offline`);
  await h.db.execute(sql`alter table links rename to links_offline`);
  return async () => {
    await h.db.execute(sql`alter table clicks_offline rename to clicks`);
    await h.db.execute(sql`alter table links_offline rename to links`);
  };
}

const redirect = (slug: string, visitor: number) =>
  h.request('GET', `/r/${slug}`, {
    headers: { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15', 'x-forwarded-for': `203.0.113.${visitor % 250}, 10.1.${visitor >> 8}.${visitor & 255}` },
  });

describe('a database outage', () => {
  it('keeps redirecting from the cache, holds the clicks, and writes each once when the database is back', { timeout: 120_000 }, async () => {
    const [link] = await createLinks(h);
    const warm = await redirect(link!.slug, 0);
    expect(warm.status).toBe(302);
    await h.tracking.clicks.flush();
    const before = h.tracking.clicks.stats();

    restore = await takeDatabaseDown();
    const clickIds: string[] = [];
    // Spread over several cache lifetimes.
    for (let i = 1; i <= 120; i++) {
      const res = await redirect(link!.slug, i);
      expect(res.status).toBe(302);
      clickIds.push(new URL(res.headers.get('location')!).searchParams.get('trellis_click')!);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 150));
    }
    expect(new Set(clickIds).size).toBe(120);
    await eventually(() => h.tracking.clicks.stats().failedFlushes > before.failedFlushes, 20_000, 'failed writes');
    expect(h.tracking.clicks.stats()).toMatchObject({ buffered: 120, shed: 0 });
    expect(h.tracking.links.stats().staleServed).toBeGreaterThan(0);

    await restore();
    restore = undefined;
    await eventually(() => h.tracking.clicks.stats().buffered === 0, 60_000, 'the buffered clicks to be written');
    expect(h.tracking.clicks.stats().written).toBe(before.written + 120);

    const stored = await queryRows<{ id: string; n: number }>(
      h.db,
      sql`select id, count(*)::int as n from clicks where link_id = ${link!.id} group by id`,
    );
    const counts = new Map(stored.map((r) => [r.id, r.n]));
    for (const id of clickIds) expect(counts.get(id), id).toBe(1);
    expect(stored).toHaveLength(121);
    const [rollup] = await rollupsOf(h.db, link!.id);
    expect(rollup).toMatchObject({ clicks: 121, unique: 121, duplicates: 0, bots: 0 });
  });
});
