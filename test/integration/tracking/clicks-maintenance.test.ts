import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { clickDedup, clickIpSalts } from '../../../db/schema/index.js';
import { jobMap } from '../../../src/jobs/registry.js';
import { maintainClicksJob } from '../../../src/tracking/jobs/maintain-clicks.js';
import { createLinks, makeClick, partitionExists, randomIpHash, rollupsOf, storedClicksOf, testBuffer } from '../../helpers/clicks.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** Runs the job as a runner would, at `now`, with `retentionMonths`. */
const maintainAt = (now: string, retentionMonths: number) =>
  maintainClicksJob.handler({ db: h.db, logger: h.logger, clock: () => new Date(now), jobs: h.jobs, secrets: h.secrets, config: { CLICK_RETENTION_MONTHS: retentionMonths } }, {}, { id: 'test', attempt: 1 });

const clickPartitions = async () =>
  (
    await queryRows<{ name: string }>(
      h.db,
      sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'clicks'::regclass order by 1`,
    )
  ).map((r) => r.name);

describe('tracking.maintain-clicks', () => {
  it('is registered as an hourly job', () => {
    expect(jobMap['tracking.maintain-clicks']).toBe(maintainClicksJob);
    expect(maintainClicksJob.everyMs).toBe(60 * 60_000);
  });

  it('makes partitions ahead and drops the months past retention, keeping their rollups', async () => {
    const [link] = await createLinks(h);
    const buffer = testBuffer(h);
    const old = makeClick(link!, { clickedAt: new Date('2031-01-20T12:00:00Z') });
    const edge = makeClick(link!, { clickedAt: new Date('2031-03-31T23:00:00Z') });
    const recent = makeClick(link!, { clickedAt: new Date('2031-06-02T08:00:00Z') });
    for (const c of [old, edge, recent]) buffer.add(c);
    await buffer.flush();
    await buffer.close();

    // On 30 June 2031 with three months of retention, clicks from 30 March on are kept: March
    // stays (partly inside), January and February go. July to August are made ahead.
    await maintainAt('2031-06-30T10:00:00Z', 3);
    const after = await clickPartitions();
    expect(after.filter((p) => p >= 'clicks_2031_01')).toEqual(['clicks_2031_03', 'clicks_2031_06', 'clicks_2031_07', 'clicks_2031_08']);
    // Nothing from before the retention survives anywhere, the months of today among them.
    expect(after.filter((p) => p < 'clicks_2031_01')).toEqual([]);
    expect((await storedClicksOf(h.db, link!.id)).map((c) => c.id).sort()).toEqual([edge.id, recent.id].sort());
    expect(await rollupsOf(h.db, link!.id)).toEqual([
      { day: '2031-01-20', country: 'DE', clicks: 1, unique: 1, duplicates: 0, bots: 0 },
      { day: '2031-03-31', country: 'DE', clicks: 1, unique: 1, duplicates: 0, bots: 0 },
      { day: '2031-06-02', country: 'DE', clicks: 1, unique: 1, duplicates: 0, bots: 0 },
    ]);

    // Idempotent: a second run (or a concurrent one) changes nothing.
    await maintainAt('2031-06-30T10:00:00Z', 3);
    expect(await clickPartitions()).toEqual(after);
  });

  it('writes again into a month whose partition was dropped under it', async () => {
    // This process remembers the months it ensured; retention may drop one behind its back.
    const [link] = await createLinks(h);
    const buffer = testBuffer(h);
    buffer.add(makeClick(link!, { clickedAt: new Date('2032-01-05T00:00:00Z') }));
    await buffer.flush();
    await maintainAt('2032-12-01T00:00:00Z', 1);
    expect(await partitionExists(h.db, 'clicks_2032_01')).toBe(false);
    const late = makeClick(link!, { clickedAt: new Date('2032-01-06T00:00:00Z') });
    buffer.add(late);
    await buffer.flush();
    expect(buffer.stats()).toMatchObject({ buffered: 0, written: 2 });
    expect((await storedClicksOf(h.db, link!.id)).map((c) => c.id)).toEqual([late.id]);
    await buffer.close();
  });

  it('prunes dedup rows and IP-hash secrets older than yesterday', async () => {
    const [link] = await createLinks(h);
    const dedup = (day: string) => ({ linkId: link!.id, ipHash: randomIpHash(), day, lastCountedAt: new Date(`${day}T12:00:00Z`) });
    await h.db.insert(clickDedup).values([dedup('2033-04-07'), dedup('2033-04-08'), dedup('2033-04-09'), dedup('2033-04-10')]);
    await h.db.insert(clickIpSalts).values(['2033-04-07', '2033-04-08', '2033-04-09', '2033-04-10', '2033-04-11'].map((day) => ({ day, secret: randomIpHash() })));

    await maintainAt('2033-04-10T00:30:00Z', 120);
    const dedupDays = await queryRows<{ day: string }>(h.db, sql`select day::text as day from click_dedup where link_id = ${link!.id} order by 1`);
    expect(dedupDays.map((r) => r.day)).toEqual(['2033-04-09', '2033-04-10']);
    const saltDays = await queryRows<{ day: string }>(h.db, sql`select day::text as day from click_ip_salts where day >= '2033-01-01' order by 1`);
    expect(saltDays.map((r) => r.day)).toEqual(['2033-04-09', '2033-04-10', '2033-04-11']);
  });
});
