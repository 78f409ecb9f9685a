import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fxRates } from '../../../db/schema/index.js';
import { createLink, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { plantClicks, plantCommission, plantConversion } from './fixtures.js';
import { kpiWorld, MARCH, NOW } from './world.js';

/**
 * Exact KPI values over the hand-built March of world.ts. Each expectation spells out the rows it
 * comes from, so a change in a definition (docs/kpis.md) shows up as a change here.
 */
let h: Harness;
let world: Awaited<ReturnType<typeof kpiWorld>>;
beforeAll(async () => {
  h = await createHarness();
  h.clock.set(NOW);
  world = await kpiWorld(h);
});
afterAll(async () => h?.close());

const kpis = async (token: string, query = MARCH, programId = world.w.program.id) => {
  const res = await h.request('GET', `/v1/programs/${programId}/kpis?${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const bucket = (count: number, amount: number, reversedAmount = 0) => ({ count, amount, reversedAmount });
const noCommissions = { pending: bucket(0, 0), held: bucket(0, 0), approved: bucket(0, 0), paid: bucket(0, 0), reversed: bucket(0, 0), rejected: bucket(0, 0) };

describe('program KPIs', () => {
  it('computes every KPI of the whole program', async () => {
    const body = await kpis(world.w.admin.token);
    expect(body).toMatchObject({ programId: world.w.program.id, from: '2024-03-01', to: '2024-03-31', country: null, countries: null, partnerMemberId: null, currency: 'EUR' });
    expect(Date.parse(body.asOf) - NOW.getTime()).toBeGreaterThanOrEqual(0); // the (test) clock's now
    expect(body.traffic).toEqual({
      clicks: 40 + 10 + 30 + 20, // February's and April's rollups left out
      uniqueClicks: 30 + 10 + 20 + 15,
      signups: 4, // A's two, M's invitee, one unattributed
      sales: 7, // completed or partly refunded: c3 c4 c5 c9 c11 c12 c14 (not the pending, cancelled or fully refunded ones)
      pendingSales: 1,
      attributedSignups: 3,
      attributedSales: 6, // all but c11
      conversionRate: 0.09, // 9 / 100
      epc: 25.6, // 2560 / 100
      // c3 8000 + c4 4000 USD at its commission's 0.9 (3600) + c5 2000 USD at 0.8 (1600) + c9 6000 + c12 2500; c14's GBP has no rate.
      attributedRevenue: 8000 + 3600 + 1600 + 6000 + 2500,
    });
    expect(body.money).toEqual({
      commissionsByStatus: {
        pending: bucket(2, 800 + 400, 200),
        held: bucket(1, 500),
        approved: bucket(1, 500),
        paid: bucket(1, 450),
        reversed: bucket(1, 0, 300),
        rejected: bucket(1, 250),
      },
      clawbacks: { count: 1, amount: -90 },
      grossCommission: 500 + 500 + 1000 + 450 + 300 + 400, // rejected left out
      reversedCommission: 200 + 300 + 90,
      commissionCost: 500 + 500 + 800 + 450 + 400 - 90,
      reversalRate: 0.187302, // 590 / 3150
      roi: 8.476563, // 21700 / 2560
    });
    expect(body.members).toEqual({
      newMembers: 5, // X F Y Z W
      activatedMembers: 3, // X F Y; Z bought after 39 days, W's order was refunded
      activationRate: 0.6,
      activeAtStart: 4, // P1 P2 P4 P5 (P3 and P6 were already churned)
      churnedMembers: 2, // P1 P4
      churnRate: 0.5,
      purchasingMembers: 5, // X F Y P2 P5 (F's sale and order are one purchase)
      repeatPurchasers: 1, // X
      repurchaseRate: 0.2,
      memberSales: 3, // c3 (X), c9 (F), c11 (Y)
      memberShareOfTransactions: 0.428571, // 3 / 7
      inviteClicks: 20,
      inviteConversions: 2, // M's invitee's signup and sale
      referralConversionRate: 0.1,
    });
    expect(body.unconverted).toEqual({ revenue: [{ currency: 'GBP', amount: 700 }], commissions: [] });
  });

  it('narrows to one market: its conversions, the clicks from it, the members living there', async () => {
    const body = await kpis(world.w.admin.token, `${MARCH}&country=DE`);
    expect(body).toMatchObject({ country: 'DE', countries: ['DE'] });
    expect(body.traffic).toEqual({ clicks: 60, uniqueClicks: 45, signups: 3, sales: 4, pendingSales: 1, attributedSignups: 3, attributedSales: 3, conversionRate: 0.1, epc: 36.666667, attributedRevenue: 16_500 });
    expect(body.money).toEqual({
      commissionsByStatus: { ...noCommissions, pending: bucket(2, 1200, 200), held: bucket(1, 500), approved: bucket(1, 500), reversed: bucket(1, 0, 300), rejected: bucket(1, 250) },
      clawbacks: { count: 0, amount: 0 },
      grossCommission: 2700,
      reversedCommission: 500,
      commissionCost: 2200,
      reversalRate: 0.185185,
      roi: 7.5,
    });
    expect(body.members).toEqual({
      newMembers: 3,
      activatedMembers: 2,
      activationRate: 0.666667,
      activeAtStart: 3,
      churnedMembers: 1,
      churnRate: 0.333333,
      purchasingMembers: 4,
      repeatPurchasers: 1,
      repurchaseRate: 0.25,
      memberSales: 3,
      memberShareOfTransactions: 0.75,
      inviteClicks: 20,
      inviteConversions: 2,
      referralConversionRate: 0.1,
    });
    expect(body.unconverted).toEqual({ revenue: [], commissions: [] });
    // The regional manager for DE gets the same numbers without asking for the country.
    const manager = await kpis(world.w.manager.token);
    expect(manager).toMatchObject({ country: null, countries: ['DE'] });
    expect({ ...manager, country: 'DE', asOf: body.asOf }).toEqual(body);
  });

  it('gives staff one partner, with the money that could not be converted', async () => {
    const body = await kpis(world.w.admin.token, `${MARCH}&partnerMemberId=${world.B.id}`);
    expect(body.partnerMemberId).toBe(world.B.id);
    expect(body.traffic).toEqual({ clicks: 30, uniqueClicks: 20, signups: 0, sales: 3, pendingSales: 0, attributedSignups: 0, attributedSales: 3, conversionRate: 0.1, epc: 12, attributedRevenue: 5200 });
    expect(body.money).toEqual({
      commissionsByStatus: { ...noCommissions, paid: bucket(1, 450) },
      clawbacks: { count: 1, amount: -90 },
      grossCommission: 450,
      reversedCommission: 90,
      commissionCost: 360,
      reversalRate: 0.2,
      roi: 14.444444,
    });
    // B brought no members: every member ratio has nothing to divide by.
    expect(body.members).toMatchObject({ newMembers: 0, activationRate: null, churnRate: null, repurchaseRate: null, memberShareOfTransactions: 0, referralConversionRate: null });
    expect(body.unconverted.revenue).toEqual([{ currency: 'GBP', amount: 700 }]);
  });

  it('shows an affiliate their own numbers only', async () => {
    const body = await kpis(world.w.affiliate.token);
    expect(body.partnerMemberId).toBe(world.A.id);
    expect(body.traffic).toEqual({ clicks: 50, uniqueClicks: 40, signups: 2, sales: 2, pendingSales: 1, attributedSignups: 2, attributedSales: 2, conversionRate: 0.08, epc: 44, attributedRevenue: 10_500 });
    expect(body.money).toMatchObject({ grossCommission: 2700, reversedCommission: 500, commissionCost: 2200, roi: 4.772727, clawbacks: { count: 0, amount: 0 } });
    // X is A's: their customer record is bound to A.
    expect(body.members).toEqual({
      newMembers: 1,
      activatedMembers: 1,
      activationRate: 1,
      activeAtStart: 0,
      churnedMembers: 0,
      churnRate: null,
      purchasingMembers: 1,
      repeatPurchasers: 1,
      repurchaseRate: 1,
      memberSales: 1,
      memberShareOfTransactions: 0.5,
      inviteClicks: 0,
      inviteConversions: 0,
      referralConversionRate: null,
    });
    // Naming themself is fine; naming anyone else is a not-found, as for any id out of scope.
    expect((await kpis(world.w.affiliate.token, `${MARCH}&partnerMemberId=${world.A.id}`)).traffic.clicks).toBe(50);
    const other = await h.request('GET', `/v1/programs/${world.w.program.id}/kpis?${MARCH}&partnerMemberId=${world.B.id}`, { token: world.w.affiliate.token });
    expect(other.status).toBe(404);
    // A market filter still applies to their own numbers: A's US clicks only.
    expect((await kpis(world.w.affiliate.token, `${MARCH}&country=US`)).traffic).toMatchObject({ clicks: 10, signups: 0, sales: 0, conversionRate: 0 });
  });

  it('shows a member the results of their invite link', async () => {
    const body = await kpis(world.w.member.token);
    expect(body.partnerMemberId).toBe(world.M.id);
    expect(body.traffic).toEqual({ clicks: 20, uniqueClicks: 15, signups: 1, sales: 1, pendingSales: 0, attributedSignups: 1, attributedSales: 1, conversionRate: 0.1, epc: 0, attributedRevenue: 6000 });
    expect(body.money).toMatchObject({ grossCommission: 0, commissionCost: 0, reversalRate: null, roi: null });
    expect(body.members).toMatchObject({ newMembers: 1, activationRate: 1, purchasingMembers: 1, repeatPurchasers: 0, repurchaseRate: 0, memberShareOfTransactions: 1, inviteClicks: 20, inviteConversions: 2, referralConversionRate: 0.1 });
  });

  it('answers nulls, never a division by zero, for a quiet period', async () => {
    const body = await kpis(world.w.admin.token, 'from=2023-01-01&to=2023-01-31');
    expect(body.traffic).toEqual({ clicks: 0, uniqueClicks: 0, signups: 0, sales: 0, pendingSales: 0, attributedSignups: 0, attributedSales: 0, conversionRate: null, epc: null, attributedRevenue: 0 });
    expect(body.money).toEqual({ commissionsByStatus: noCommissions, clawbacks: { count: 0, amount: 0 }, grossCommission: 0, reversedCommission: 0, commissionCost: 0, reversalRate: null, roi: null });
    expect(body.members).toMatchObject({ activationRate: null, repurchaseRate: null, memberShareOfTransactions: null, referralConversionRate: null });
  });

  it('defaults to the 30 days up to today (UTC)', async () => {
    const body = await kpis(world.w.admin.token, '');
    expect(body).toMatchObject({ from: '2024-03-17', to: '2024-04-15' });
    // Only April's invite clicks fall in it.
    expect(body.traffic.clicks).toBe(7);
  });
});

describe('KPI money in the payout currency', () => {
  it('takes the rate a commission recorded, else the rate in force when the sale happened', async () => {
    const w = await createWorld(h);
    const link = await createLink(h, w);
    const partner = w.affiliate.member.id;
    await plantClicks(h, link, '2024-03-01', 'DE', 10, 10);
    // Directional CHF -> EUR rates: 0.5 in force until 10 March, then 1.25.
    await h.db.insert(fxRates).values([
      { tenantId: w.tenant.id, base: 'CHF', quote: 'EUR', rate: '0.5', effectiveAt: new Date('2024-01-01T00:00:00Z') },
      { tenantId: w.tenant.id, base: 'CHF', quote: 'EUR', rate: '1.25', effectiveAt: new Date('2024-03-10T00:00:00Z') },
      { tenantId: w.tenant.id, base: 'EUR', quote: 'SEK', rate: '11', effectiveAt: new Date('2024-01-01T00:00:00Z') },
    ]);
    const sale = (at: string, amount: number, currency: string, refunded = 0) =>
      plantConversion(h, w, { kind: 'sale', at, amount, currency, refunded, status: refunded ? 'partially_refunded' : 'completed', partner, link, market: 'DE' });
    const recorded = await sale('2024-03-02T00:00:00Z', 1000, 'CHF');
    await plantCommission(h, recorded, { status: 'approved', amount: 100, currency: 'CHF', payout: 80, fxRate: '0.8', fxRateId: 'fxr_then' });
    await sale('2024-03-05T00:00:00Z', 1001, 'CHF', 1); // no commission: 1000 CHF at 0.5
    await sale('2024-03-09T23:59:59Z', 2000, 'CHF'); // the last moment of 0.5, grouped with the one above
    await sale('2024-03-10T00:00:00Z', 399, 'CHF'); // 1.25 from this instant
    // Held for a missing rate when processed: nothing usable recorded, so the table's rate (1.25) applies.
    const held = await sale('2024-03-12T00:00:00Z', 400, 'CHF');
    await plantCommission(h, held, { status: 'held', amount: 40, currency: 'CHF', payout: 0, fxRate: '0', fxRateId: null });
    await sale('2024-03-13T00:00:00Z', 500, 'SEK'); // only EUR -> SEK is known: rates are directional
    await sale('2024-03-14T00:00:00Z', 300, 'JPY');

    const res = await h.request('GET', `/v1/programs/${w.program.id}/kpis?${MARCH}`, { token: w.admin.token });
    expect(res.status).toBe(200);
    // Summed per currency and rate, then converted: (399 + 400) x 1.25 = 998.75, rounded half away from zero.
    expect(res.body.traffic.attributedRevenue).toBe(800 + (1000 + 2000) * 0.5 + 999);
    expect(res.body.unconverted.revenue).toEqual(expect.arrayContaining([{ currency: 'SEK', amount: 500 }, { currency: 'JPY', amount: 300 }]));
    expect(res.body.unconverted.revenue).toHaveLength(2);
    expect(res.body.money).toMatchObject({ commissionsByStatus: { approved: bucket(1, 80), held: bucket(1, 0) }, commissionCost: 80 });
  });

  it('leaves out commissions recorded in a payout currency the program no longer uses', async () => {
    const w = await createWorld(h);
    const partner = w.affiliate.member.id;
    const before = await plantConversion(h, w, { kind: 'signup', at: '2024-03-02T00:00:00Z', partner, market: 'DE' });
    await plantCommission(h, before, { status: 'paid', payout: 120, payoutCurrency: 'USD' });
    const after = await plantConversion(h, w, { kind: 'signup', at: '2024-03-20T00:00:00Z', partner, market: 'DE' });
    await plantCommission(h, after, { status: 'approved', payout: 100 });
    const res = await h.request('GET', `/v1/programs/${w.program.id}/kpis?${MARCH}`, { token: w.admin.token });
    expect(res.body.money).toMatchObject({ commissionsByStatus: { paid: bucket(0, 0), approved: bucket(1, 100) }, grossCommission: 100, commissionCost: 100 });
    expect(res.body.unconverted.commissions).toEqual([{ currency: 'USD', amount: 120 }]);
  });
});
