import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.js';
import { writeDailyStats } from '../../../src/transparency/entries/daily-stats.js';
import { parseLogEntry } from '../../../src/transparency/entries/schemas.js';
import { createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createPolicy, DAY_MS } from '../commissions/fixtures.js';
import { plantClick, sale, track } from '../conversions/fixtures.js';

let h: Harness;
let w: World;
let today: string;

beforeAll(async () => {
  h = await createHarness();
  w = await createWorld(h, { links: {} });
  await createPolicy(h, w.program.id, 'DE', { percentBps: 1000, holdDays: 14 });
  today = h.clock().toISOString().slice(0, 10);
  const link = await createLink(h, w);
  const clicks = [await plantClick(h, link, { country: 'DE', agoMs: 60_000 }), await plantClick(h, link, { country: 'DE', agoMs: 60_000 })];
  for (const click of clicks) expect((await track(h, w, sale({ clickId: click.id, amount: 10_000 }))).status).toBe(202);
  await h.jobs.idle();
});
afterAll(async () => h?.close());

async function statsEntries(type: string) {
  const rows = await queryRows<{ entry: string }>(
    h.db,
    sql`select entry from (select id as ord, type, entry from log_outbox union all select outbox_id, type, entry from log_entries) x where type = ${type} order by ord`,
  );
  return rows.map((r) => parseLogEntry(r.entry) as Record<string, any>);
}

/** Moves the test clock just past the next UTC midnight. */
function pastMidnight() {
  const now = h.clock().getTime();
  h.clock.advance(Math.ceil(now / DAY_MS) * DAY_MS - now + 60_000);
}

describe('daily statistics', () => {
  it('logs nothing for a day that has not ended', async () => {
    await writeDailyStats({ db: h.db, clock: h.clock });
    expect((await statsEntries('stats.program.daily')).filter((e) => e.day === today)).toEqual([]);
  });

  it('logs each ended day once: the affiliate’s figures and the program’s, served publicly', async () => {
    pastMidnight();
    expect(await writeDailyStats({ db: h.db, clock: h.clock })).toBeGreaterThanOrEqual(2);
    // Two workers running the hour again write nothing twice.
    expect(await Promise.all([writeDailyStats({ db: h.db, clock: h.clock }), writeDailyStats({ db: h.db, clock: h.clock })])).toEqual([0, 0]);

    const affiliate = (await statsEntries('stats.affiliate.daily')).filter((e) => e.partnerMemberId === w.affiliate.member.id);
    expect(affiliate).toEqual([
      {
        type: 'stats.affiliate.daily',
        v: 1,
        partnerMemberId: w.affiliate.member.id,
        programId: w.program.id,
        day: today,
        clicks: 2,
        conversions: 2,
        commissions: [{ status: 'pending', currency: 'EUR', payoutCurrency: 'EUR', count: 2, amount: 2_000, payoutAmount: 2_000 }],
      },
    ]);
    const program = (await statsEntries('stats.program.daily')).filter((e) => e.programId === w.program.id);
    expect(program).toEqual([
      {
        type: 'stats.program.daily',
        v: 1,
        programId: w.program.id,
        day: today,
        windowDays: 90,
        commissions: 2,
        reversalRateBps: 0,
        heldShareBps: 0,
        medianDaysToApproval: null,
        medianDaysApprovalToPayment: null,
      },
    ]);

    const res = await h.request('GET', `/v1/public/programs/${w.program.id}/stats`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ programId: w.program.id, day: today, commissions: 2, reversalRateBps: 0, heldShareBps: 0, medianDaysToApproval: null });
    expect(JSON.parse(res.body.entry)).toEqual(program[0]);
    expect(res.body.leafHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect((await h.request('GET', '/v1/public/programs/prg_unknown/stats')).status).toBe(404);
  });

  it('gives an idle program its figures every day, and an idle affiliate none', async () => {
    pastMidnight();
    const tomorrow = new Date(Date.parse(today) + DAY_MS).toISOString().slice(0, 10);
    await writeDailyStats({ db: h.db, clock: h.clock });
    expect((await statsEntries('stats.program.daily')).filter((e) => e.programId === w.program.id).map((e) => e.day)).toEqual([today, tomorrow]);
    expect((await statsEntries('stats.affiliate.daily')).filter((e) => e.partnerMemberId === w.affiliate.member.id).map((e) => e.day)).toEqual([today]);
  });
});
