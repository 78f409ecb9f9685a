import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { plantCommission, plantConversion } from './fixtures.js';
import { kpiWorld, MARCH, NOW } from './world.js';

/**
 * One affiliate's performance (GET .../affiliates/{memberId}/performance) over the March of
 * world.ts, plus a commission paid out in BRL, so amounts in two currencies must stay apart.
 * Affiliate A's March: clicks LA 40 (DE, 2 March) + 10 (US, 3 March); conversions c1 c2 (signups),
 * c3 (partly refunded sale), c12 (sale) and the BRL one; c6 is cancelled and c7 pending.
 */
let h: Harness;
let world: Awaited<ReturnType<typeof kpiWorld>>;
beforeAll(async () => {
  h = await createHarness();
  h.clock.set(NOW);
  world = await kpiWorld(h);
  const brl = await plantConversion(h, world.w, { kind: 'signup', at: '2024-03-20T10:00:00Z', partner: world.A.id, market: 'BR' });
  await plantCommission(h, brl, { status: 'approved', payout: 1_234, currency: 'BRL', payoutCurrency: 'BRL' });
});
afterAll(async () => h?.close());

const path = (memberId: string, query = MARCH, programId = world.w.program.id) => `/v1/programs/${programId}/affiliates/${memberId}/performance?${query}`;
const read = async (token: string, memberId = world.A.id, query = MARCH) => {
  const res = await h.request('GET', path(memberId, query), { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('affiliate performance', () => {
  it('gives the affiliate their totals, with money per currency', async () => {
    const body = await read(world.w.affiliate.token);
    expect(body).toMatchObject({ programId: world.w.program.id, memberId: world.A.id, from: '2024-03-01', to: '2024-03-31', countries: null });
    expect(body.totals).toEqual({
      clicks: 50,
      conversions: 5,
      conversionRate: 0.1,
      commissions: [
        { currency: 'BRL', status: 'approved', count: 1, amount: 1_234 },
        { currency: 'EUR', status: 'pending', count: 2, amount: 800 + 400 }, // c3 net of its refund, c7
        { currency: 'EUR', status: 'held', count: 1, amount: 500 },
        { currency: 'EUR', status: 'approved', count: 1, amount: 500 },
        { currency: 'EUR', status: 'reversed', count: 1, amount: 0 },
        { currency: 'EUR', status: 'rejected', count: 1, amount: 250 },
      ],
      earned: [
        { currency: 'BRL', amount: 1_234 },
        { currency: 'EUR', amount: 2_200 }, // rejected left out
      ],
      epc: [
        { currency: 'BRL', value: 24.68 },
        { currency: 'EUR', value: 44 },
      ],
    });
  });

  it('has a point for every day of the period, commissions on the day of their conversion', async () => {
    const { days } = await read(world.w.affiliate.token);
    expect(days).toHaveLength(31);
    expect(days[0]).toMatchObject({ day: '2024-03-01', clicks: 0, conversions: 0, commissions: [], epc: [] });
    const day = (d: string) => days.find((x: { day: string }) => x.day === d);
    expect(day('2024-03-02')).toMatchObject({ clicks: 40, conversions: 0, commissions: [] });
    expect(day('2024-03-03')).toMatchObject({ clicks: 10, conversions: 1, commissions: [{ currency: 'EUR', status: 'approved', count: 1, amount: 500 }], epc: [{ currency: 'EUR', value: 50 }] });
    expect(day('2024-03-04')).toMatchObject({ clicks: 0, conversions: 1, commissions: [{ status: 'held', amount: 500 }], epc: [{ currency: 'EUR', value: null }] });
    expect(day('2024-03-12')).toMatchObject({ conversions: 0, commissions: [{ status: 'pending', amount: 400 }] });
    expect(day('2024-03-20')).toMatchObject({ conversions: 1, commissions: [{ currency: 'BRL', status: 'approved', amount: 1_234 }] });
  });

  it('breaks down by link and by country', async () => {
    const body = await read(world.w.affiliate.token);
    expect(body.byLink).toHaveLength(2);
    expect(body.byLink[0]).toMatchObject({ linkId: world.links.LA.id, slug: world.links.LA.slug, archived: false, clicks: 50, conversions: 4 });
    // The BRL signup came without a link.
    expect(body.byLink[1]).toMatchObject({ linkId: null, slug: null, clicks: 0, conversions: 1, earned: [{ currency: 'BRL', amount: 1_234 }] });
    const countries = Object.fromEntries(body.byCountry.map((r: { country: string }) => [r.country, r]));
    expect(countries['DE']).toMatchObject({ clicks: 40, conversions: 4, earned: [{ currency: 'EUR', amount: 2_200 }] });
    expect(countries['US']).toMatchObject({ clicks: 10, conversions: 0, commissions: [] });
    expect(countries['BR']).toMatchObject({ clicks: 0, conversions: 1 });
    expect(body.byCountry[0].country).toBe('DE'); // busiest first
  });

  it('shows a regional manager the numbers of their countries, and admins everything', async () => {
    const manager = await read(world.w.manager.token);
    expect(manager).toMatchObject({ countries: ['DE'], totals: { clicks: 40, conversions: 4, earned: [{ currency: 'EUR', amount: 2_200 }] } });
    expect(manager.byCountry.map((r: { country: string }) => r.country)).toEqual(['DE']);
    const admin = await read(world.w.admin.token);
    expect(admin.totals).toMatchObject({ clicks: 50, conversions: 5 });
    // Affiliate B is in the US: outside the manager's countries, so not found, like no affiliate at all.
    expect((await h.request('GET', path(world.B.id), { token: world.w.manager.token })).status).toBe(404);
  });

  it('keeps others out', async () => {
    // An affiliate reading another affiliate, or a member that is not in the program: not found.
    expect((await h.request('GET', path(world.B.id), { token: world.w.affiliate.token })).status).toBe(404);
    expect((await h.request('GET', path('mem_nobody'), { token: world.w.admin.token })).status).toBe(404);
    // Members and merchant servers have no access.
    expect((await h.request('GET', path(world.A.id), { token: world.w.member.token })).status).toBe(403);
    expect((await h.request('GET', path(world.A.id), { token: world.w.apiKey })).status).toBe(403);
    const other = await createWorld(h);
    for (const token of [other.admin.token, other.manager.token, other.affiliate.token]) {
      expect((await h.request('GET', path(world.A.id), { token })).status).toBe(404);
    }
  });

  it('names a bad period', async () => {
    const res = await h.request('GET', path(world.A.id, 'from=2024-03-05&to=2024-03-01'), { token: world.w.affiliate.token });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual(['query.from']);
    // Without a period: the 30 days up to today.
    const recent = await read(world.w.affiliate.token, world.A.id, '');
    expect(recent).toMatchObject({ from: '2024-03-17', to: '2024-04-15' });
    expect(recent.days).toHaveLength(30);
  });
});
