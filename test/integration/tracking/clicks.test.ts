import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../db/client.js';
import { createClickBuffer } from '../../../src/tracking/clicks/buffer.js';
import {
  createLinks,
  eventually,
  makeClick,
  randomIpHash,
  rollupsOf,
  statusById,
  storedClicksOf,
  testBuffer,
  type TestLink,
} from '../../helpers/clicks.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const MIN = 60_000;
const at = (iso: string, plusMs = 0) => new Date(new Date(iso).getTime() + plusMs);

describe('click buffer', () => {
  it('writes as soon as a full batch is waiting, without waiting for the timer', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h, { batchSize: 10, flushIntervalMs: 60_000 });
    buffer.start();
    for (let i = 0; i < 10; i++) buffer.add(makeClick(link!));
    await eventually(() => buffer.stats().written === 10, 20_000, 'a full batch written');
    expect(await storedClicksOf(h.db, link!.id)).toHaveLength(10);

    for (let i = 0; i < 3; i++) buffer.add(makeClick(link!));
    // A partial batch waits for the timer (a minute here) or an explicit flush.
    await new Promise((r) => setTimeout(r, 200));
    expect(buffer.stats()).toMatchObject({ buffered: 3, written: 10 });
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 13, failedFlushes: 0 });
    await buffer.close();
  });

  it('writes a partial batch on the flush interval', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h, { batchSize: 1_000, flushIntervalMs: 50 });
    buffer.start();
    const ids = [1, 2, 3].map(() => {
      const click = makeClick(link!);
      buffer.add(click);
      return click.id;
    });
    await eventually(() => buffer.stats().written === 3, 20_000, 'the interval flush');
    expect((await storedClicksOf(h.db, link!.id)).map((c) => c.id).sort()).toEqual(ids.sort());
    await buffer.close();
  });

  it("is the harness process's buffer too", async () => {
    const [link] = await createLinks(h);
    const click = makeClick(link!, { country: 'US', uaClass: 'mobile', referrerHost: 'news.example', subIds: { sub1: 'spring' } });
    h.tracking.clicks.add(click);
    await h.tracking.clicks.flush();
    const [stored] = await storedClicksOf(h.db, link!.id);
    expect(stored).toMatchObject({
      id: click.id,
      linkId: link!.id,
      programId: link!.programId,
      ownerMemberId: link!.ownerMemberId,
      country: 'US',
      uaClass: 'mobile',
      referrerHost: 'news.example',
      ipHash: click.ipHash,
      status: 'counted',
      subIds: { sub1: 'spring' },
    });
    expect(stored!.clickedAt.getTime()).toBe(click.clickedAt.getTime());
  });

  it('writes clicks in the order they arrived, batch after batch', async () => {
    const [link] = await createLinks(h);
    const ip = randomIpHash();
    // One click per batch. The later click arrives first, so it is counted, and the earlier one,
    // written after it, is a duplicate; out of order, the verdicts would swap.
    const buffer = testBuffer(h, { batchSize: 1 });
    const later = makeClick(link!, { ipHash: ip, clickedAt: at('2029-01-10T10:20:00Z') });
    const earlier = makeClick(link!, { ipHash: ip, clickedAt: at('2029-01-10T10:00:00Z') });
    buffer.add(later);
    buffer.add(earlier);
    await buffer.flush();
    const status = await statusById(h.db, link!.id);
    expect(status.get(later.id)).toBe('counted');
    expect(status.get(earlier.id)).toBe('duplicate');
    await buffer.close();
  });
});

describe('classification', () => {
  it('counts a visitor once an hour per link, and stores bots apart', async () => {
    const [link, other] = (await createLinks(h, 2)) as [TestLink, TestLink];
    const ip = randomIpHash();
    const t0 = '2029-01-11T08:00:00Z';
    const first = makeClick(link, { ipHash: ip, clickedAt: at(t0) });
    const within = makeClick(link, { ipHash: ip, clickedAt: at(t0, 59 * MIN) });
    const afterHour = makeClick(link, { ipHash: ip, clickedAt: at(t0, 60 * MIN) });
    const otherLink = makeClick(other, { ipHash: ip, clickedAt: at(t0, 1 * MIN) });
    const otherIp = makeClick(link, { clickedAt: at(t0, 2 * MIN) });
    const bot = makeClick(link, { ipHash: ip, uaClass: 'bot', clickedAt: at(t0, 3 * MIN) });
    const buffer = testBuffer(h);
    // Two batches, so the hour holds across writes as well as within one.
    for (const c of [first, within, otherLink]) buffer.add(c);
    await buffer.flush();
    for (const c of [afterHour, otherIp, bot]) buffer.add(c);
    await buffer.flush();

    const status = await statusById(h.db, link.id);
    expect(Object.fromEntries([first, within, afterHour, otherIp, bot].map((c) => [c.id, status.get(c.id)]))).toEqual({
      [first.id]: 'counted',
      [within.id]: 'duplicate',
      [afterHour.id]: 'counted',
      [otherIp.id]: 'counted',
      [bot.id]: 'bot',
    });
    expect((await statusById(h.db, other.id)).get(otherLink.id)).toBe('counted');
    await buffer.close();
  });

  it('counts a burst once when two processes flush the same visitors at the same time', async () => {
    const links = await createLinks(h, 3);
    // PostgreSQL: two connection pools, as two API processes have. PGlite has one connection.
    const second: Database | undefined = h.databaseUrl ? await openDatabase({ url: h.databaseUrl, poolSize: 4 }) : undefined;
    try {
      const a = testBuffer(h, { batchSize: 7 });
      const b = createClickBuffer({ db: second?.db ?? h.db, logger: h.logger, flushIntervalMs: 60_000, batchSize: 5, maxBuffered: 10_000, waitForRoomMs: 2_000 });
      const visitors = Array.from({ length: 20 }, (_, i) => ({ link: links[i % 3]!, ip: randomIpHash() }));
      const base = at('2029-01-12T12:00:00Z');
      for (let round = 0; round < 3; round++) {
        for (const [i, v] of visitors.entries()) {
          a.add(makeClick(v.link, { ipHash: v.ip, clickedAt: at(base.toISOString(), round * MIN + i) }));
          b.add(makeClick(v.link, { ipHash: v.ip, clickedAt: at(base.toISOString(), round * MIN + i + 500) }));
        }
      }
      await Promise.all([a.flush(), b.flush()]);
      for (const v of visitors) {
        const mine = (await storedClicksOf(h.db, v.link.id)).filter((c) => c.ipHash === v.ip);
        expect(mine).toHaveLength(6);
        expect(mine.filter((c) => c.status === 'counted')).toHaveLength(1);
      }
      let counted = 0;
      for (const link of links) for (const r of await rollupsOf(h.db, link.id)) counted += r.clicks;
      expect(counted).toBe(20);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await second?.close();
    }
  });
});

describe('daily rollups', () => {
  it('sums clicks per UTC day and country: counted, unique visitors, duplicates and bots', async () => {
    const [link] = await createLinks(h);
    const ipA = randomIpHash();
    const ipB = randomIpHash();
    const day1 = '2029-01-13T10:00:00Z';
    const buffer = testBuffer(h);
    const clicks = [
      makeClick(link!, { ipHash: ipA, clickedAt: at(day1) }), // counted, unique
      makeClick(link!, { ipHash: ipA, clickedAt: at(day1, 30 * MIN) }), // duplicate
      makeClick(link!, { ipHash: ipA, clickedAt: at(day1, 120 * MIN) }), // counted again, same visitor
      makeClick(link!, { ipHash: ipB, country: 'US', clickedAt: at(day1, 5 * MIN) }), // counted, unique (US)
      makeClick(link!, { uaClass: 'bot', clickedAt: at(day1, 10 * MIN) }), // bot
      makeClick(link!, { ipHash: ipA, clickedAt: at('2029-01-14T09:00:00Z') }), // a new day: unique again
    ];
    for (const c of clicks.slice(0, 3)) buffer.add(c);
    await buffer.flush();
    for (const c of clicks.slice(3)) buffer.add(c);
    await buffer.flush();
    expect(await rollupsOf(h.db, link!.id)).toEqual([
      { day: '2029-01-13', country: 'DE', clicks: 2, unique: 1, duplicates: 1, bots: 1 },
      { day: '2029-01-13', country: 'US', clicks: 1, unique: 1, duplicates: 0, bots: 0 },
      { day: '2029-01-14', country: 'DE', clicks: 1, unique: 1, duplicates: 0, bots: 0 },
    ]);
    await buffer.close();
  });

  it('buckets by UTC day, whatever the time zone of the process', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h);
    buffer.add(makeClick(link!, { clickedAt: at('2029-01-15T23:59:59.999Z') }));
    buffer.add(makeClick(link!, { clickedAt: at('2029-01-16T00:00:00.000Z') }));
    await buffer.flush();
    expect((await rollupsOf(h.db, link!.id)).map((r) => [r.day, r.clicks])).toEqual([
      ['2029-01-15', 1],
      ['2029-01-16', 1],
    ]);
    await buffer.close();
  });
});
