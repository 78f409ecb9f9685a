import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeClickBatch } from '../../../src/tracking/clicks/writer.js';
import {
  bringClicksTableBack,
  createLinks,
  eventually,
  makeClick,
  partitionExists,
  randomIpHash,
  rollupsOf,
  statusById,
  storedClicksOf,
  takeClicksTableAway,
  testBuffer,
} from '../../helpers/clicks.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
let tableAway = false;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());
// A failed assertion must not leave the next test without a clicks table.
afterEach(async () => {
  if (tableAway) await bringClicksTableBack(h.db);
  tableAway = false;
});

async function databaseRefusesClicks() {
  await takeClicksTableAway(h.db);
  tableAway = true;
}
async function databaseAcceptsClicks() {
  await bringClicksTableBack(h.db);
  tableAway = false;
}

describe('write failures', () => {
  it('keeps clicks through failed writes and writes each exactly once when the database is back', async () => {
    const [link] = await createLinks(h);
    const ip = randomIpHash();
    const buffer = testBuffer(h, { batchSize: 4, flushIntervalMs: 20 });
    buffer.start();
    await databaseRefusesClicks();
    const clicks = Array.from({ length: 10 }, (_, i) => makeClick(link!, { ipHash: i < 5 ? ip : randomIpHash(), clickedAt: new Date(Date.UTC(2029, 1, 1, 12, i)) }));
    for (const c of clicks) buffer.add(c);
    await expect(buffer.flush()).rejects.toThrow();
    await eventually(() => buffer.stats().failedFlushes >= 3, 20_000, 'retries');
    expect(buffer.stats()).toMatchObject({ buffered: 10, written: 0, shed: 0 });
    expect(buffer.stats().lastFlushError).toMatch(/clicks/);

    await databaseAcceptsClicks();
    await eventually(() => buffer.stats().buffered === 0, 20_000, 'the retries to write everything');
    expect(buffer.stats()).toMatchObject({ written: 10, shed: 0 });
    const stored = await storedClicksOf(h.db, link!.id);
    expect(stored.map((c) => c.id).sort()).toEqual(clicks.map((c) => c.id).sort());
    // The first of the repeated visitor's five clicks counts; the others, within the hour, do not.
    expect(stored.filter((c) => c.status === 'counted')).toHaveLength(6);
    expect(await rollupsOf(h.db, link!.id)).toEqual([{ day: '2029-02-01', country: 'DE', clicks: 6, unique: 6, duplicates: 4, bots: 0 }]);
    await buffer.close();
  });

  it('does not count a batch twice when it is written again after an ambiguous failure', async () => {
    const [link] = await createLinks(h);
    const ip = randomIpHash();
    const batch = [
      makeClick(link!, { ipHash: ip, clickedAt: new Date('2029-02-02T10:00:00Z') }),
      makeClick(link!, { ipHash: ip, clickedAt: new Date('2029-02-02T10:10:00Z') }),
      makeClick(link!, { uaClass: 'bot', clickedAt: new Date('2029-02-02T10:20:00Z') }),
    ];
    expect(await writeClickBatch(h.db, batch)).toEqual({ inserted: 3, counted: 1, duplicates: 1, bots: 1 });
    // The commit happened but its acknowledgement was lost: the buffer writes the same clicks
    // again, now together with a new one.
    const next = makeClick(link!, { ipHash: ip, clickedAt: new Date('2029-02-02T11:30:00Z') });
    expect(await writeClickBatch(h.db, [...batch, next])).toEqual({ inserted: 1, counted: 1, duplicates: 0, bots: 0 });
    expect(await storedClicksOf(h.db, link!.id)).toHaveLength(4);
    expect(await rollupsOf(h.db, link!.id)).toEqual([{ day: '2029-02-02', country: 'DE', clicks: 2, unique: 1, duplicates: 1, bots: 1 }]);
  });

  it('retries a failed write as one that may have committed', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h, { flushIntervalMs: 20 });
    buffer.start();
    await databaseRefusesClicks();
    const committed = makeClick(link!);
    buffer.add(committed);
    await expect(buffer.flush()).rejects.toThrow();
    // As if that write had committed and only its acknowledgement was lost.
    await h.db.execute(sql`insert into clicks_offline (id, clicked_at, link_id, program_id, owner_member_id, country, ua_class, ip_hash, status)
      values (${committed.id}, ${committed.clickedAt.toISOString()}::timestamptz, ${link!.id}, ${link!.programId}, ${link!.ownerMemberId}, 'DE', 'desktop', ${committed.ipHash}, 'counted')`);
    const fresh = makeClick(link!);
    buffer.add(fresh);
    await databaseAcceptsClicks();
    await eventually(() => buffer.stats().buffered === 0, 20_000, 'the retry');
    expect(buffer.stats()).toMatchObject({ written: 2, shed: 0 });
    const stored = await storedClicksOf(h.db, link!.id);
    expect(stored.map((c) => c.id).sort()).toEqual([committed.id, fresh.id].sort());
    // Only the click the retry inserted reaches the rollups (the first commit would have added its own).
    expect(await rollupsOf(h.db, link!.id)).toMatchObject([{ clicks: 1 }]);
    await buffer.close();
  });

  it('drops only a click the database can never accept, and writes the rest of its batch', async () => {
    const [link] = await createLinks(h);
    const good = Array.from({ length: 6 }, () => makeClick(link!));
    const orphan = makeClick({ ...link!, id: 'lnk_does_not_exist' });
    // Refused while the clicks themselves are stored (COPY on PostgreSQL): jsonb has no NUL.
    const unstorable = makeClick(link!, { subIds: { sub1: 'a\u0000b' } });
    const buffer = testBuffer(h);
    for (const c of [...good.slice(0, 3), orphan, unstorable, ...good.slice(3)]) buffer.add(c);
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 6, failedFlushes: 0 });
    expect([...(await statusById(h.db, link!.id)).keys()].sort()).toEqual(good.map((c) => c.id).sort());
    await buffer.close();
  });
});

describe('partitions', () => {
  it('creates the partition of a month that has none yet', async () => {
    const [link] = await createLinks(h);
    expect(await partitionExists(h.db, 'clicks_2029_03')).toBe(false);
    const buffer = testBuffer(h);
    const click = makeClick(link!, { clickedAt: new Date('2029-03-14T15:09:26Z') });
    buffer.add(click);
    await buffer.flush();
    expect(await partitionExists(h.db, 'clicks_2029_03')).toBe(true);
    expect((await storedClicksOf(h.db, link!.id)).map((c) => c.id)).toEqual([click.id]);
    await buffer.close();
  });
});

describe('backpressure', () => {
  it('makes redirects wait for room while the database is away, then takes their clicks in order', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h, { batchSize: 5, maxBuffered: 5, flushIntervalMs: 20, waitForRoomMs: 60_000 });
    buffer.start();
    await databaseRefusesClicks();
    const clicks = Array.from({ length: 8 }, () => makeClick(link!));
    // Room for five: those are queued at once, with no promise to wait on.
    for (const c of clicks.slice(0, 5)) expect(buffer.add(c)).toBeUndefined();
    const waits = clicks.slice(5).map((c) => buffer.add(c));
    const settled: number[] = [];
    waits.forEach((w, i) => {
      expect(w).toBeInstanceOf(Promise);
      void w!.then(() => settled.push(i));
    });
    await eventually(() => buffer.stats().failedFlushes > 0, 20_000, 'a failed write');
    expect(buffer.stats()).toMatchObject({ buffered: 5, waiting: 3, shed: 0 });
    expect(settled).toEqual([]);

    await databaseAcceptsClicks();
    await Promise.all(waits);
    expect(settled).toEqual([0, 1, 2]);
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 0, waiting: 0, written: 8, shed: 0 });
    expect((await storedClicksOf(h.db, link!.id)).map((c) => c.id).sort()).toEqual(clicks.map((c) => c.id).sort());
    await buffer.close();
  });

  it('answers a redirect that waited too long without its click, and counts it as shed', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h, { batchSize: 2, maxBuffered: 2, flushIntervalMs: 20, waitForRoomMs: 100 });
    buffer.start();
    await databaseRefusesClicks();
    const kept = [makeClick(link!), makeClick(link!)];
    for (const c of kept) buffer.add(c);
    const late = makeClick(link!);
    await buffer.add(late);
    expect(buffer.stats()).toMatchObject({ buffered: 2, waiting: 0, shed: 1 });

    await databaseAcceptsClicks();
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 2, shed: 1 });
    expect((await storedClicksOf(h.db, link!.id)).map((c) => c.id).sort()).toEqual(kept.map((c) => c.id).sort());
    await buffer.close();
  });

  it('counts a click that arrives after close as shed instead of throwing', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h);
    const before = makeClick(link!);
    buffer.add(before);
    await buffer.close();
    expect(buffer.add(makeClick(link!))).toBeUndefined();
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 1, shed: 1 });
  });

  it('gives up at the close deadline and says how many clicks were lost', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h);
    await databaseRefusesClicks();
    for (let i = 0; i < 3; i++) buffer.add(makeClick(link!));
    await buffer.close(300);
    expect(buffer.stats()).toMatchObject({ buffered: 3, written: 0 });
    expect(buffer.stats().failedFlushes).toBeGreaterThan(0);
  });
});
