import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickDailyRollups } from '../../../db/schema/index.js';
import { createAffiliate, createLink, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  h.clock.set(new Date('2025-03-10T15:00:00Z'));
});
afterAll(async () => h?.close());

const statsPath = (programId: string, query = '') => `/v1/programs/${programId}/click-stats${query ? `?${query}` : ''}`;
const fields = (res: { body: any }) => (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field).sort();

type Counts = { clicks: number; uniqueClicks: number; duplicateClicks: number; botClicks: number };
const c = (clicks: number, uniqueClicks: number, duplicateClicks: number, botClicks: number): Counts => ({ clicks, uniqueClicks, duplicateClicks, botClicks });

/**
 * Rollup rows as the click flush writes them: the DE affiliate's link clicked from DE and US,
 * a US affiliate's link clicked from US, on three days of March 2025 (and one in February).
 */
async function statsWorld() {
  const w = await createWorld(h, { links: {} });
  const usAffiliate = await createAffiliate(h, w.program.id, { country: 'US' });
  const de = await createLink(h, w);
  const us = await createLink(h, w, { ownerMemberId: usAffiliate.id });
  const row = (day: string, link: typeof de, country: string, counts: Counts) => ({ day, linkId: link.id, ownerMemberId: link.ownerMemberId, programId: w.program.id, country, ...counts });
  await h.db.insert(clickDailyRollups).values([
    row('2025-02-28', de, 'DE', c(100, 90, 5, 1)),
    row('2025-03-01', de, 'DE', c(10, 8, 2, 1)),
    row('2025-03-01', de, 'US', c(3, 3, 0, 0)),
    row('2025-03-02', us, 'US', c(7, 5, 1, 4)),
    row('2025-03-03', de, 'DE', c(5, 5, 0, 2)),
    row('2025-03-03', us, 'US', c(1, 1, 0, 0)),
  ]);
  return { w, de, us, usAffiliate };
}

const MARCH = 'from=2025-03-01&to=2025-03-03';

describe('click stats', () => {
  it('groups by day, with every day of the range and totals', async () => {
    const { w } = await statsWorld();
    const res = await h.request('GET', statsPath(w.program.id, MARCH), { token: w.admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2025-03-01',
      to: '2025-03-03',
      groupBy: 'day',
      rows: [
        { key: '2025-03-01', ...c(13, 11, 2, 1) },
        { key: '2025-03-02', ...c(7, 5, 1, 4) },
        { key: '2025-03-03', ...c(6, 6, 0, 2) },
      ],
      totals: c(26, 22, 3, 7),
    });
    const gap = await h.request('GET', statsPath(w.program.id, 'from=2025-03-02&to=2025-03-05'), { token: w.apiKey });
    expect(gap.body.rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([
      ['2025-03-02', 7],
      ['2025-03-03', 1 + 5],
      ['2025-03-04', 0],
      ['2025-03-05', 0],
    ]);
  });

  it('groups by link, country and owner, most clicks first', async () => {
    const { w, de, us, usAffiliate } = await statsWorld();
    const byLink = await h.request('GET', statsPath(w.program.id, `${MARCH}&groupBy=link`), { token: w.admin.token });
    expect(byLink.body.rows).toEqual([
      { key: de.id, ...c(18, 16, 2, 3) },
      { key: us.id, ...c(8, 6, 1, 4) },
    ]);
    const byCountry = await h.request('GET', statsPath(w.program.id, `${MARCH}&groupBy=country`), { token: w.admin.token });
    expect(byCountry.body.rows).toEqual([
      { key: 'DE', ...c(15, 13, 2, 3) },
      { key: 'US', ...c(11, 9, 1, 4) },
    ]);
    const byOwner = await h.request('GET', statsPath(w.program.id, `${MARCH}&groupBy=owner&limit=1`), { token: w.admin.token });
    expect(byOwner.body.rows).toEqual([{ key: w.affiliate.member.id, ...c(18, 16, 2, 3) }]);
    // Totals cover everything that matched, not only the rows shown.
    expect(byOwner.body.totals).toEqual(c(26, 22, 3, 7));
    expect(usAffiliate.id).toBe(us.ownerMemberId);
  });

  it('filters by link, owner and country', async () => {
    const { w, de, us } = await statsWorld();
    const get = async (query: string) => (await h.request('GET', statsPath(w.program.id, `${MARCH}&${query}`), { token: w.admin.token })).body.totals;
    expect(await get(`linkId=${us.id}`)).toEqual(c(8, 6, 1, 4));
    expect(await get(`ownerMemberId=${de.ownerMemberId}`)).toEqual(c(18, 16, 2, 3));
    expect(await get('country=US')).toEqual(c(11, 9, 1, 4));
    expect(await get(`country=US&linkId=${de.id}`)).toEqual(c(3, 3, 0, 0));
  });

  it('shows affiliates their own links and managers their markets', async () => {
    const { w } = await statsWorld();
    const as = async (token: string) => (await h.request('GET', statsPath(w.program.id, `${MARCH}&groupBy=country`), { token })).body;
    // The DE affiliate: their link, whatever country its visitors came from.
    expect((await as(w.affiliate.token)).rows).toEqual([
      { key: 'DE', ...c(15, 13, 2, 3) },
      { key: 'US', ...c(3, 3, 0, 0) },
    ]);
    // The DE manager: clicks from DE, whoever owns the link.
    expect((await as(w.manager.token)).totals).toEqual(c(15, 13, 2, 3));
    // The member owns no links with clicks.
    expect((await as(w.member.token)).totals).toEqual(c(0, 0, 0, 0));
    expect((await as(w.apiKey)).totals).toEqual(c(26, 22, 3, 7));

    const other = await createWorld(h);
    for (const token of Object.values(other.tokens)) {
      expect((await h.request('GET', statsPath(w.program.id, MARCH), { token })).status).toBe(404);
    }
  });

  it('defaults to the last 30 days, up to today (UTC)', async () => {
    const { w } = await statsWorld();
    const res = await h.request('GET', statsPath(w.program.id), { token: w.admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2025-02-09', to: '2025-03-10', groupBy: 'day' });
    expect(res.body.rows).toHaveLength(30);
    expect(res.body.totals).toEqual(c(126, 112, 8, 8));
  });

  it('refuses bad ranges and parameters naming each', async () => {
    const { w } = await statsWorld();
    const bad = async (query: string) => {
      const res = await h.request('GET', statsPath(w.program.id, query), { token: w.admin.token });
      expect(res.status, query).toBe(400);
      return fields(res);
    };
    expect(await bad('from=2025-03-05&to=2025-03-01')).toEqual(['query.from']);
    expect(await bad('from=2024-01-01&to=2025-01-01')).toEqual(['query.to']);
    expect(await bad('from=2025-02-30&to=tomorrow')).toEqual(['query.from', 'query.to']);
    expect(await bad('groupBy=hour&country=de&limit=5000')).toEqual(['query.country', 'query.groupBy', 'query.limit']);
    // 366 days, both ends included, is the most.
    expect((await h.request('GET', statsPath(w.program.id, 'from=2024-01-01&to=2024-12-31'), { token: w.admin.token })).status).toBe(200);
  });
});
