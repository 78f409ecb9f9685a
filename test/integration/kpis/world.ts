import { fxRates } from '../../../db/schema/index.js';
import { createAffiliate, createLink, createMember, createWorld } from '../../helpers/factories.js';
import type { Harness } from '../../helpers/harness.js';
import { plantClicks, plantCommission, plantConversion, plantCustomer, plantOrder } from './fixtures.js';

/** Now, for every KPI test: two weeks after the period asked about (March 2024). */
export const NOW = new Date('2024-04-15T12:00:00Z');
export const MARCH = 'from=2024-03-01&to=2024-03-31';

/**
 * One program (payout EUR; markets DE/EUR, US/USD) with a March of traffic, conversions,
 * commissions and members whose KPIs are worked out by hand in kpis.test.ts. Partners: affiliate
 * A (the world's, DE), affiliate B (US) and member M (the world's member) through their invite
 * link. Members planted here join at chosen times; the world's own users joined "really now",
 * after the period, so they are in no member measure.
 */
export async function kpiWorld(h: Harness) {
  // Churn within weeks rather than half a year, so one month shows it.
  const w = await createWorld(h, { settings: { segments: { atRiskAfterDays: 10, churnedAfterDays: 20 } } });
  const programId = w.program.id;
  const A = w.affiliate.member;
  const M = w.member.member;
  const B = await createAffiliate(h, programId, { country: 'US', name: 'Bea Affiliate' });
  const LA = await createLink(h, w);
  const LB = await createLink(h, w, { ownerMemberId: B.id });
  const LI = await createLink(h, w, { ownerMemberId: M.id, kind: 'invite', destinationUrl: null });

  await plantClicks(h, LA, '2024-02-29', 'DE', 100, 90); // before the period
  await plantClicks(h, LA, '2024-03-02', 'DE', 40, 30);
  await plantClicks(h, LA, '2024-03-03', 'US', 10, 10);
  await plantClicks(h, LB, '2024-03-05', 'US', 30, 20);
  await plantClicks(h, LI, '2024-03-06', 'DE', 20, 15);
  await plantClicks(h, LI, '2024-04-01', 'DE', 7, 7); // after the period

  const member = (country: string, createdAt: string, attrs: { referredByMemberId?: string } = {}) => createMember(h, programId, { country, createdAt: new Date(createdAt), ...attrs });
  // Joined in March.
  const X = await member('DE', '2024-03-05T09:00:00Z');
  const F = await member('DE', '2024-03-08T09:00:00Z', { referredByMemberId: M.id });
  const Y = await member('US', '2024-03-25T09:00:00Z');
  const Z = await member('DE', '2024-03-02T09:00:00Z');
  const W = await member('US', '2024-03-15T09:00:00Z');
  // Joined before March.
  const P1 = await member('DE', '2023-12-01T09:00:00Z');
  const P2 = await member('DE', '2023-12-01T09:00:00Z');
  const P3 = await member('DE', '2024-01-01T09:00:00Z');
  const P4 = await member('US', '2024-02-20T09:00:00Z');
  const P5 = await member('DE', '2023-06-01T09:00:00Z');
  const P6 = await member('DE', '2023-06-01T09:00:00Z');

  const cusX = await plantCustomer(h, w, { memberId: X.id, boundPartnerId: A.id });
  const cusF = await plantCustomer(h, w, { memberId: F.id, boundPartnerId: M.id });
  const cusY = await plantCustomer(h, w, { memberId: Y.id });
  const cusP5 = await plantCustomer(h, w, { memberId: P5.id });

  const conv = (c: Parameters<typeof plantConversion>[2]) => plantConversion(h, w, c);
  const c1 = await conv({ kind: 'signup', at: '2024-03-03T10:00:00Z', partner: A.id, link: LA, market: 'DE' });
  const c2 = await conv({ kind: 'signup', at: '2024-03-04T10:00:00Z', partner: A.id, link: LA, market: 'DE' });
  const c3 = await conv({ kind: 'sale', at: '2024-03-10T10:00:00Z', amount: 10_000, refunded: 2_000, status: 'partially_refunded', partner: A.id, link: LA, market: 'DE', customerId: cusX.id });
  const c4 = await conv({ kind: 'sale', at: '2024-03-06T10:00:00Z', amount: 5_000, currency: 'USD', refunded: 1_000, status: 'partially_refunded', partner: B.id, link: LB, market: 'US' });
  const c5 = await conv({ kind: 'sale', at: '2024-03-10T10:00:00Z', amount: 2_000, currency: 'USD', partner: B.id, link: LB, market: 'US' });
  const c6 = await conv({ kind: 'sale', at: '2024-03-11T10:00:00Z', amount: 3_000, status: 'cancelled', partner: A.id, link: LA, market: 'DE' });
  const c7 = await conv({ kind: 'sale', at: '2024-03-12T10:00:00Z', amount: 4_000, status: 'pending', partner: A.id, link: LA, market: 'DE' });
  await conv({ kind: 'signup', at: '2024-03-08T10:00:00Z', partner: M.id, link: LI, market: 'DE', customerId: cusF.id });
  await conv({ kind: 'sale', at: '2024-03-12T10:00:00Z', amount: 6_000, partner: M.id, link: LI, market: 'DE', customerId: cusF.id, externalId: 'F-order-1' });
  await conv({ kind: 'signup', at: '2024-03-13T10:00:00Z' });
  await conv({ kind: 'sale', at: '2024-03-26T10:00:00Z', amount: 1_000, market: 'DE', customerId: cusY.id });
  const c12 = await conv({ kind: 'sale', at: '2024-03-14T10:00:00Z', amount: 2_500, partner: A.id, link: LA, market: 'DE' });
  await conv({ kind: 'sale', at: '2024-03-15T10:00:00Z', amount: 1_000, currency: 'USD', status: 'refunded', partner: B.id, link: LB, market: 'US' });
  await conv({ kind: 'sale', at: '2024-03-16T10:00:00Z', amount: 700, currency: 'GBP', partner: B.id, link: LB, market: 'US' });
  const c15 = await conv({ kind: 'sale', at: '2024-02-27T10:00:00Z', amount: 99_999, partner: A.id, link: LA, market: 'DE', customerId: cusP5.id });

  await plantCommission(h, c1, { status: 'approved', payout: 500 });
  await plantCommission(h, c2, { status: 'held', payout: 500 });
  await plantCommission(h, c3, { status: 'pending', payout: 1_000, payoutReversed: 200 });
  const paid = await plantCommission(h, c4, { status: 'paid', amount: 500, currency: 'USD', payout: 450, fxRate: '0.9', fxRateId: 'fxr_recorded' });
  await plantCommission(h, c4, { kind: 'clawback', status: 'approved', amount: -100, currency: 'USD', payout: -90, fxRate: '0.9', fxRateId: 'fxr_recorded', clawbackOf: paid.id, refundId: 'refund-1' });
  await plantCommission(h, c6, { status: 'reversed', payout: 300, payoutReversed: 300 });
  await plantCommission(h, c7, { status: 'pending', payout: 400 });
  await plantCommission(h, c12, { status: 'rejected', payout: 250 });
  await plantCommission(h, c15, { status: 'approved', payout: 9_999 });

  // USD -> EUR: 0.8 from January, 0.95 from 20 March. c5 (10 March) takes 0.8; c4 keeps its commission's 0.9.
  await h.db.insert(fxRates).values([
    { tenantId: w.tenant.id, base: 'USD', quote: 'EUR', rate: '0.8', effectiveAt: new Date('2024-01-01T00:00:00Z') },
    { tenantId: w.tenant.id, base: 'USD', quote: 'EUR', rate: '0.95', effectiveAt: new Date('2024-03-20T00:00:00Z') },
  ]).onConflictDoNothing();

  const order = (m: { id: string }, o: Parameters<typeof plantOrder>[3]) => plantOrder(h, m.id, programId, o);
  await order(X, { at: '2024-03-20T10:00:00Z' });
  await order(F, { at: '2024-03-12T10:00:00Z', externalId: 'F-order-1' }); // the same purchase as F's sale
  await order(Z, { at: '2024-04-10T10:00:00Z' }); // 39 days after joining
  await order(W, { at: '2024-03-16T10:00:00Z', status: 'refunded' });
  await order(P1, { at: '2024-02-20T10:00:00Z' });
  await order(P2, { at: '2024-02-25T10:00:00Z' });
  await order(P2, { at: '2024-03-20T10:00:00Z' });
  await order(P5, { at: '2024-03-25T10:00:00Z' });
  await order(P6, { at: '2024-01-01T10:00:00Z' });

  return { w, A, B, M, links: { LA, LB, LI }, members: { X, F, Y, Z, W, P1, P2, P3, P4, P5, P6 } };
}
