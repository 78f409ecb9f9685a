import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commissions, conversions, members, tiers } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../../src/context.js';
import {
  CANCEL_CLAWBACK_ID,
  createCommissionForConversion,
  onConversionCancelled,
  onConversionCompleted,
  onConversionRefunded,
} from '../../../src/payouts/commissions/effects.js';
import { approveDueCommissions } from '../../../src/payouts/commissions/lifecycle.js';
import { normaliseRate } from '../../../src/payouts/fx.js';
import { createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { attributionTo, commissionsOf, createFxRate, createPolicy, DAY_MS, insertConversion, markProcessed, updateConversion } from './fixtures.js';

let h: Harness;
let w: World;
const inTx = <T>(fn: (tx: ServiceContext) => Promise<T>) => withTransaction(h.ctx(), fn);

beforeAll(async () => {
  h = await createHarness();
  w = await createWorld(h);
  // DE: 10% of each sale, 30 days' hold; the program default pays 5.00 per signup after 7 days.
  await createPolicy(h, w.program.id, 'DE', { mode: 'per_transaction', percentBps: 1000, holdDays: 30 });
  await createPolicy(h, w.program.id, null, { mode: 'per_signup', signupAmount: 500, percentBps: null, holdDays: 7 });
});
afterAll(async () => h?.close());

const partner = () => w.affiliate.member.id;

/** A processed conversion with its commission, as conversion processing makes them. */
async function commissioned(attrs: Parameters<typeof insertConversion>[2] = {}, country: string | null = 'DE', reasons: [] = []) {
  const attribution = attributionTo(partner(), { marketCountry: country });
  const conversion = await markProcessed(h, await insertConversion(h, w.program.id, attrs), attribution);
  const commission = await inTx((tx) => createCommissionForConversion(tx, conversion, attribution, reasons));
  return { conversion, commission: commission!, attribution };
}

describe('creating commissions', () => {
  it('pays a sale by the policy of its market, pending for the hold period, once', async () => {
    const { conversion, commission, attribution } = await commissioned();
    expect(commission).toMatchObject({
      kind: 'sale',
      status: 'pending',
      amount: 1000,
      currency: 'EUR',
      payoutCurrency: 'EUR',
      payoutAmount: 1000,
      fxRateId: null,
      multiplierBps: 10_000,
      country: 'DE',
      holdReasons: [],
      reversedAmount: 0,
    });
    expect(normaliseRate(commission.fxRate)).toBe('1');
    expect(commission.policyVersionId).toMatch(/^cpv_/);
    expect(commission.holdUntil!.getTime()).toBe(conversion.completedAt!.getTime() + 30 * DAY_MS);
    // Processing again (a replay) finds the same commission.
    const again = await inTx((tx) => createCommissionForConversion(tx, conversion, attribution, []));
    expect(again!.id).toBe(commission.id);
    expect(await commissionsOf(h, conversion.id)).toHaveLength(1);
  });

  it('pays a signup in a market without its own policy by the program default', async () => {
    const { conversion, commission } = await commissioned({ kind: 'signup' }, 'FR');
    expect(commission).toMatchObject({ kind: 'signup', amount: 500, currency: 'EUR', status: 'pending', country: 'FR' });
    expect(commission.holdUntil!.getTime()).toBe(conversion.occurredAt.getTime() + 7 * DAY_MS);
  });

  it('owes nothing for an unattributed conversion, a sale in a per_signup market, or one cancelled or fully refunded first', async () => {
    const unattributed = await insertConversion(h, w.program.id);
    expect(await inTx((tx) => createCommissionForConversion(tx, unattributed, attributionTo(null), []))).toBeNull();
    const saleInSignupMarket = await insertConversion(h, w.program.id);
    expect(await inTx((tx) => createCommissionForConversion(tx, saleInSignupMarket, attributionTo(partner(), { marketCountry: 'FR' }), []))).toBeNull();
    const cancelled = await insertConversion(h, w.program.id, { status: 'cancelled', cancelledAt: h.clock() });
    expect(await inTx((tx) => createCommissionForConversion(tx, cancelled, attributionTo(partner()), []))).toBeNull();
    const refunded = await insertConversion(h, w.program.id, { status: 'refunded', refundedAmount: 10_000 });
    expect(await inTx((tx) => createCommissionForConversion(tx, refunded, attributionTo(partner()), []))).toBeNull();
    for (const c of [unattributed, saleInSignupMarket, cancelled, refunded]) expect(await commissionsOf(h, c.id)).toEqual([]);
  });

  it('starts with refunds that came before processing already reversed', async () => {
    const { commission } = await commissioned({ status: 'partially_refunded', refundedAmount: 2_500 });
    expect(commission).toMatchObject({ amount: 1000, reversedAmount: 250, payoutReversedAmount: 250, status: 'pending' });
  });

  it('applies the partner’s tier commission multiplier on top of the policy', async () => {
    const [gold] = await h.db.insert(tiers).values({ programId: w.program.id, name: 'Gold', rank: 1, commissionMultiplierBps: 15_000 }).returning();
    await h.db.update(members).set({ tierId: gold!.id, tierAchievedAt: h.clock() }).where(eq(members.id, partner()));
    try {
      const { commission } = await commissioned({ amount: 12_345 });
      // 10% of 123.45 = 12.345 -> x1.5 = 18.5175 -> 18.52 (rounded once, at the end).
      expect(commission).toMatchObject({ amount: 1852, multiplierBps: 15_000 });
    } finally {
      await h.db.update(members).set({ tierId: null, tierAchievedAt: null }).where(eq(members.id, partner()));
    }
  });
});

describe('FX', () => {
  it('keeps a sale’s commission in its currency and records the payout amount at the rate in force', async () => {
    const fx = await createWorld(h);
    await createPolicy(h, fx.program.id, 'DE', { percentBps: 1000, flatAmount: 200, currency: 'EUR' });
    await createFxRate(h, fx.tenant.id, 'EUR', 'USD', '1.1');
    await createFxRate(h, fx.tenant.id, 'USD', 'EUR', '0.5', new Date(h.clock().getTime() - 60 * DAY_MS));
    const rate = await createFxRate(h, fx.tenant.id, 'USD', 'EUR', '0.9');
    const conversion = await insertConversion(h, fx.program.id, { amount: 10_000, currency: 'USD' });
    const commission = await inTx((tx) => createCommissionForConversion(tx, conversion, attributionTo(fx.affiliate.member.id), []));
    // 10% of 100.00 USD + 2.00 EUR (2.20 USD) = 12.20 USD; in EUR at 0.9 = 10.98.
    expect(commission).toMatchObject({ amount: 1220, currency: 'USD', payoutCurrency: 'EUR', payoutAmount: 1098, fxRateId: rate.id, status: 'pending' });
    expect(normaliseRate(commission!.fxRate)).toBe('0.9');
  });

  it('holds a commission whose rate is missing, and approval re-prices it once a rate exists', async () => {
    const fx = await createWorld(h);
    await createPolicy(h, fx.program.id, 'DE', { percentBps: 1000 });
    const conversion = await insertConversion(h, fx.program.id, { amount: 10_000, currency: 'GBP' });
    const held = await inTx((tx) => createCommissionForConversion(tx, conversion, attributionTo(fx.affiliate.member.id), []));
    expect(held).toMatchObject({ status: 'held', holdReasons: ['fx_rate_missing'], amount: 1000, currency: 'GBP', payoutAmount: 0 });

    const refused = await h.request('POST', `/v1/commissions/${held!.id}/approve`, { token: fx.tokens.admin, body: { reason: 'rate checked' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toMatchObject({ reason: 'fx_rate_missing' });
    expect((await commissionsOf(h, conversion.id))[0]!.status).toBe('held');

    // The rate is entered after the sale: approval uses the latest one.
    const rate = await createFxRate(h, fx.tenant.id, 'GBP', 'EUR', '1.2', h.clock());
    const approved = await h.request('POST', `/v1/commissions/${held!.id}/approve`, { token: fx.tokens.admin, body: { reason: 'rate checked' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'pending', amount: 1000, currency: 'GBP', payoutAmount: 1200, fxRate: '1.2', fxRateId: rate.id, holdReasons: ['fx_rate_missing'] });
  });
});

describe('the hold period', () => {
  it('approves due commissions by the job, and a sale only once it is completed', async () => {
    const signup = await commissioned({ kind: 'signup' }, 'FR');
    const sale = await commissioned({ status: 'pending' });
    expect(sale.commission).toMatchObject({ status: 'pending', holdUntil: null });

    // Past the signup's 7 days: only the signup is approved; the uncompleted sale waits.
    h.clock.advance(8 * DAY_MS);
    await approveDueCommissions({ db: h.db, clock: h.clock });
    const [signupNow] = await commissionsOf(h, signup.conversion.id);
    const [saleNow] = await commissionsOf(h, sale.conversion.id);
    expect(signupNow).toMatchObject({ status: 'approved' });
    expect(signupNow!.approvedAt!.getTime()).toBeGreaterThan(signup.commission.holdUntil!.getTime());
    expect(saleNow).toMatchObject({ status: 'pending', holdUntil: null });

    // Completed now: its 30 days start now.
    const completedAt = h.clock();
    const completed = await updateConversion(h, sale.conversion.id, { status: 'completed', completedAt });
    await inTx((tx) => onConversionCompleted(tx, completed));
    await inTx((tx) => onConversionCompleted(tx, completed)); // a replay changes nothing
    expect((await commissionsOf(h, sale.conversion.id))[0]!.holdUntil!.getTime()).toBe(completedAt.getTime() + 30 * DAY_MS);

    h.clock.advance(29 * DAY_MS);
    await h.jobs.enqueue('commissions.approve-due', {});
    await h.jobs.idle();
    expect((await commissionsOf(h, sale.conversion.id))[0]!.status).toBe('pending');

    h.clock.advance(2 * DAY_MS);
    await h.jobs.enqueue('commissions.approve-due', {}, { jobId: `approve-due-${Date.now()}` });
    await h.jobs.idle();
    const [approved] = await commissionsOf(h, sale.conversion.id);
    expect(approved).toMatchObject({ status: 'approved' });
    expect(await approveDueCommissions({ db: h.db, clock: h.clock })).toBe(0);
  });
});

describe('refunds and cancellations', () => {
  async function refund(conversionId: string, refundId: string, amount: number) {
    const [current] = await h.db.select().from(conversions).where(eq(conversions.id, conversionId));
    const refundedBefore = current!.refundedAmount;
    const total = refundedBefore + amount;
    const updated = await updateConversion(h, conversionId, { refundedAmount: total, status: total >= current!.amount! ? 'refunded' : 'partially_refunded' });
    await inTx((tx) => onConversionRefunded(tx, updated, { id: refundId, amount, refundedBefore }));
    return { updated, refundedBefore };
  }

  it('reverses partial refunds pro rata, exactly, and a full refund reverses the whole commission', async () => {
    const { conversion } = await commissioned({ amount: 10_000 });
    await refund(conversion.id, 'r1', 3_333);
    expect((await commissionsOf(h, conversion.id))[0]).toMatchObject({ status: 'pending', reversedAmount: 333, payoutReversedAmount: 333 });
    const second = await refund(conversion.id, 'r2', 3_333);
    expect((await commissionsOf(h, conversion.id))[0]).toMatchObject({ status: 'pending', reversedAmount: 667 });
    // The same refund reported again lands on the same totals.
    await inTx((tx) => onConversionRefunded(tx, second.updated, { id: 'r2', amount: 3_333, refundedBefore: second.refundedBefore }));
    expect((await commissionsOf(h, conversion.id))[0]).toMatchObject({ reversedAmount: 667 });
    await refund(conversion.id, 'r3', 3_334);
    const [reversed] = await commissionsOf(h, conversion.id);
    expect(reversed).toMatchObject({ status: 'reversed', reversedAmount: 1000, payoutReversedAmount: 1000 });
    expect(reversed!.reversedAt).not.toBeNull();
  });

  it('reverses a held commission too, and a cancellation reverses what is left', async () => {
    const attribution = attributionTo(partner());
    const conversion = await markProcessed(h, await insertConversion(h, w.program.id), attribution);
    await inTx((tx) => createCommissionForConversion(tx, conversion, attribution, ['velocity_ip']));
    await refund(conversion.id, 'h1', 5_000);
    expect((await commissionsOf(h, conversion.id))[0]).toMatchObject({ status: 'held', reversedAmount: 500 });
    const cancelled = await updateConversion(h, conversion.id, { status: 'cancelled', cancelledAt: h.clock() });
    await inTx((tx) => onConversionCancelled(tx, cancelled));
    await inTx((tx) => onConversionCancelled(tx, cancelled));
    expect(await commissionsOf(h, conversion.id)).toMatchObject([{ status: 'reversed', reversedAmount: 1000, payoutReversedAmount: 1000 }]);
  });

  it('claws back a refund after payment, once per refund, and a cancellation claws back the rest', async () => {
    const { conversion, commission } = await commissioned({ amount: 10_000 });
    await h.db.update(commissions).set({ status: 'paid', paidAt: h.clock(), approvedAt: h.clock() }).where(eq(commissions.id, commission.id));

    const first = await refund(conversion.id, 'crf_after_payment', 2_500);
    await inTx((tx) => onConversionRefunded(tx, first.updated, { id: 'crf_after_payment', amount: 2_500, refundedBefore: first.refundedBefore }));
    let rows = await commissionsOf(h, conversion.id);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: commission.id, status: 'paid', reversedAmount: 0 });
    expect(rows[1]).toMatchObject({
      kind: 'clawback',
      status: 'approved',
      amount: -250,
      payoutAmount: -250,
      currency: 'EUR',
      clawbackOf: commission.id,
      refundId: 'crf_after_payment',
      partnerMemberId: partner(),
      policyVersionId: commission.policyVersionId,
      holdUntil: null,
    });
    expect(rows[1]!.approvedAt).not.toBeNull();

    const cancelled = await updateConversion(h, conversion.id, { status: 'cancelled', cancelledAt: h.clock() });
    await inTx((tx) => onConversionCancelled(tx, cancelled));
    await inTx((tx) => onConversionCancelled(tx, cancelled));
    rows = await commissionsOf(h, conversion.id);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ kind: 'clawback', amount: -750, payoutAmount: -750, refundId: CANCEL_CLAWBACK_ID, clawbackOf: commission.id });
    // Paid 10.00, clawed back 2.50 + 7.50: nothing is owed any more.
    expect(rows.reduce((sum, r) => sum + r.amount - r.reversedAmount, 0)).toBe(0);
  });

  it('does nothing for a conversion without a commission (processing will start from its row)', async () => {
    const conversion = await insertConversion(h, w.program.id, { refundedAmount: 1_000, status: 'partially_refunded' });
    await inTx((tx) => onConversionRefunded(tx, conversion, { id: 'x', amount: 1_000, refundedBefore: 0 }));
    await inTx((tx) => onConversionCancelled(tx, conversion));
    await inTx((tx) => onConversionCompleted(tx, conversion));
    expect(await commissionsOf(h, conversion.id)).toEqual([]);
  });
});
