import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.js';
import { newId, randomBase62 } from '../../db/ids.js';
import { clickDailyRollups, links, members, programs, tenants } from '../../db/schema/index.js';
import { clicks } from '../../db/schema/partitioned.js';
import { createClickBuffer, type ClickBufferOptions } from '../../src/tracking/clicks/buffer.js';
import type { PendingClick } from '../../src/tracking/types.js';
import type { Harness } from './harness.js';

/** Click-pipeline fixtures: links inserted as rows, clicks built by hand (no redirect involved). */

export interface TestLink {
  id: string;
  slug: string;
  programId: string;
  ownerMemberId: string;
}

/** A program whose links may point at shop.example, an approved affiliate, and `count` links of theirs. */
export async function createLinks(h: Pick<Harness, 'db'>, count = 1): Promise<TestLink[]> {
  return createLinksIn(h.db, count);
}

/** Same, on a bare database handle (a database a child server process will use). */
export async function createLinksIn(db: Db, count = 1, slugs?: string[]): Promise<TestLink[]> {
  const [tenant] = await db.insert(tenants).values({ name: `Clicks ${randomBase62(6)}` }).returning();
  const [program] = await db
    .insert(programs)
    .values({ tenantId: tenant!.id, name: `Program ${randomBase62(6)}`, payoutCurrency: 'EUR', settings: { links: { allowedHosts: ['shop.example'] } } })
    .returning();
  const email = `owner-${randomBase62(8)}@example.test`;
  const [owner] = await db.insert(members).values({ programId: program!.id, name: 'Link Owner', email, emailNormalized: email, country: 'DE' }).returning();
  const rows = await db
    .insert(links)
    .values(
      Array.from({ length: count }, (_, i) => ({
        programId: program!.id,
        ownerMemberId: owner!.id,
        kind: 'affiliate' as const,
        slug: slugs?.[i] ?? `c${randomBase62(12)}`,
        destinationUrl: 'https://shop.example/landing',
      })),
    )
    .returning();
  return rows.map((r) => ({ id: r.id, slug: r.slug, programId: r.programId, ownerMemberId: r.ownerMemberId }));
}

/** A random stand-in for an HMAC'd IP (22 base64url characters, like the real hasher's). */
export const randomIpHash = () => randomBytes(16).toString('base64url');

export function makeClick(link: TestLink, attrs: Partial<PendingClick> = {}): PendingClick {
  return {
    id: newId('clk'),
    clickedAt: new Date(),
    linkId: link.id,
    programId: link.programId,
    ownerMemberId: link.ownerMemberId,
    country: 'DE',
    uaClass: 'desktop',
    referrerHost: null,
    ipHash: randomIpHash(),
    subIds: null,
    ...attrs,
  };
}

/** A buffer of its own (a second "process"), with test-sized limits unless overridden. */
export function testBuffer(h: Harness, opts: Partial<ClickBufferOptions> = {}) {
  return createClickBuffer({ db: h.db, logger: h.logger, flushIntervalMs: 60_000, batchSize: 5_000, maxBuffered: 200_000, waitForRoomMs: 2_000, ...opts });
}

export async function storedClicksOf(db: Db, linkId: string) {
  return db.select().from(clicks).where(eq(clicks.linkId, linkId));
}

/** Stored status by click id. */
export async function statusById(db: Db, linkId: string): Promise<Map<string, string>> {
  return new Map((await storedClicksOf(db, linkId)).map((c) => [c.id, c.status]));
}

export async function rollupsOf(db: Db, linkId: string) {
  const rows = await db.select().from(clickDailyRollups).where(eq(clickDailyRollups.linkId, linkId));
  return rows
    .map((r) => ({ day: r.day, country: r.country, clicks: r.clicks, unique: r.uniqueClicks, duplicates: r.duplicateClicks, bots: r.botClicks }))
    .sort((a, b) => (a.day + a.country).localeCompare(b.day + b.country));
}

/**
 * Makes click writes fail by moving the clicks table aside (works on PGlite too, which cannot be
 * stopped), and back. A partitioned table keeps its partitions through the rename.
 */
export async function takeClicksTableAway(db: Db): Promise<void> {
  await db.execute(sql`alter table clicks rename to clicks_offline`);
}
export async function bringClicksTableBack(db: Db): Promise<void> {
  await db.execute(sql`alter table clicks_offline rename to clicks`);
}

export async function partitionExists(db: Db, name: string): Promise<boolean> {
  const [row] = await queryRows<{ found: boolean }>(db, sql`select to_regclass(${name}) is not null as found`);
  return row!.found;
}

/** Polls `check` until it returns true (behaviour, not timing: the limit is only a safety net). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
