import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, commissionPolicyVersions, commissions, conversions, fxRates, tiers } from '../../../db/schema/index.js';
import { DAY_MS } from '../../../src/core/points/calculations.js';
import { createAffiliate, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

/**
 * The preview prices the last 30 days of a market's processed, attributed conversions under
 * proposed terms, next to their actual commissions. Conversions and commissions are planted
 * directly: what made them (intake, processing, lifecycle) has its own tests.
 */

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const daysAgo = (days: number) => new Date(h.clock().getTime() - days * DAY_MS);
let seq = 0;

type ConversionAttrs = Partial<typeof conversions.$inferInsert> & { kind: 'signup' | 'sale' };
type CommissionAttrs = Partial<typeof commissions.$inferInsert> & { amount: number; currency: string; payoutAmount: number };

async function plant(w: World, conversion: ConversionAttrs, commission?: CommissionAttrs) {
  const [row] = await h.db
    .insert(conversions)
    .values({
      programId: w.program.id,
      externalId: `ext-${++seq}`,
      status: 'completed',
      occurredAt: daysAgo(1),
      requestHash: 'planted',
      processedAt: h.clock(),
      partnerMemberId: w.affiliate.member.id,
      marketCountry: 'DE',
      attributionMethod: 'click_id',
      ...conversion,
    })
    .returning();
  if (!commission) return { conversion: row!, commission: null };
  const [made] = await h.db
    .insert(commissions)
    .values({
      programId: w.program.id,
      conversionId: row!.id,
      partnerMemberId: row!.partnerMemberId!,
      kind: conversion.kind,
      status: 'pending',
      country: row!.marketCountry,
      payoutCurrency: w.program.payoutCurrency,
      fxRate: '1',
      ...commission,
    })
    .returning();
  return { conversion: row!, commission: made! };
}

const PROPOSAL = { mode: 'per_transaction', percentBps: 1500, minAmount: 600 } as const;

describe('previewing a policy change', () => {
  it('prices the last 30 days under the proposed terms next to the actual commissions', async () => {
    const w = await createWorld(h);
    // DE has paid 10% for two months; the proposal is 15% with a 6.00 EUR minimum.
    const current = await h.request('PUT', `/v1/programs/${w.program.id}/commission-policies/DE`, {
      token: w.admin.token,
      body: { mode: 'per_transaction', percentBps: 1000, effectiveFrom: daysAgo(60).toISOString() },
    });
    expect(current.status).toBe(201);
    // Rates from before the window still count: they are in force during it.
    await h.db.insert(fxRates).values([
      { tenantId: w.tenant.id, base: 'EUR', quote: 'JPY', rate: '160.5', effectiveAt: daysAgo(90) },
      { tenantId: w.tenant.id, base: 'JPY', quote: 'EUR', rate: '0.0062305296', effectiveAt: daysAgo(90) },
    ]);
    const [gold] = await h.db.insert(tiers).values({ programId: w.program.id, name: 'Gold', rank: 1, commissionMultiplierBps: 15_000 }).returning();
    const goldPartner = await createAffiliate(h, w.program.id, { country: 'DE', tierId: gold!.id });

    // c1: a completed sale, commission pending.
    await plant(w, { kind: 'sale', amount: 10_000, currency: 'EUR', occurredAt: daysAgo(2) }, { amount: 1000, currency: 'EUR', payoutAmount: 1000 });
    // c2: half refunded before payment.
    await plant(
      w,
      { kind: 'sale', amount: 5000, currency: 'EUR', status: 'partially_refunded', refundedAmount: 2500, occurredAt: daysAgo(3) },
      { amount: 500, reversedAmount: 250, currency: 'EUR', payoutAmount: 500, payoutReversedAmount: 250 },
    );
    // c4: cancelled, commission fully reversed.
    await plant(
      w,
      { kind: 'sale', amount: 20_000, currency: 'EUR', status: 'cancelled', cancelledAt: daysAgo(1), occurredAt: daysAgo(4) },
      { amount: 2000, reversedAmount: 2000, status: 'reversed', currency: 'EUR', payoutAmount: 2000, payoutReversedAmount: 2000 },
    );
    // c5: paid, then half refunded: a clawback carries the difference.
    const paid = await plant(
      w,
      { kind: 'sale', amount: 8000, currency: 'EUR', status: 'partially_refunded', refundedAmount: 4000, occurredAt: daysAgo(5) },
      { amount: 800, status: 'paid', currency: 'EUR', payoutAmount: 800 },
    );
    await h.db.insert(commissions).values({
      programId: w.program.id,
      conversionId: paid.conversion.id,
      partnerMemberId: w.affiliate.member.id,
      kind: 'clawback',
      status: 'approved',
      amount: -400,
      currency: 'EUR',
      payoutCurrency: 'EUR',
      payoutAmount: -400,
      fxRate: '1',
      clawbackOf: paid.commission!.id,
      refundId: 'crf_planted',
    });
    // c6: rejected as fraud: rejected under any terms, so on neither side.
    await plant(w, { kind: 'sale', amount: 9000, currency: 'EUR', occurredAt: daysAgo(6) }, { amount: 900, status: 'rejected', currency: 'EUR', payoutAmount: 900 });
    // c10: a sale in yen: 10% = 100 yen = 0.62 EUR; proposed: the 6.00 EUR minimum = 963 yen = 6.00 EUR.
    await plant(w, { kind: 'sale', amount: 1000, currency: 'JPY', occurredAt: daysAgo(7) }, { amount: 100, currency: 'JPY', payoutAmount: 62, fxRate: '0.0062305296' });
    // c11: a signup earns nothing per transaction.
    await plant(w, { kind: 'signup', occurredAt: daysAgo(8) });
    // c13: a sale in USD with no EUR->USD rate for the minimum: unpriced.
    await plant(w, { kind: 'sale', amount: 3000, currency: 'USD', occurredAt: daysAgo(9) });
    // c14: a gold-tier partner's sale with no commission yet: the tier's 1.5x applies.
    await plant(w, { kind: 'sale', amount: 10_000, currency: 'EUR', occurredAt: daysAgo(10), partnerMemberId: goldPartner.id });
    // Not in the preview: too old, another market, unprocessed, unattributed.
    await plant(w, { kind: 'sale', amount: 3000, currency: 'EUR', occurredAt: daysAgo(40) }, { amount: 300, currency: 'EUR', payoutAmount: 300 });
    await plant(w, { kind: 'sale', amount: 3000, currency: 'USD', marketCountry: 'US' });
    await plant(w, { kind: 'sale', amount: 3000, currency: 'EUR', processedAt: null });
    await plant(w, { kind: 'sale', amount: 3000, currency: 'EUR', partnerMemberId: null, attributionMethod: 'none' });

    const auditBefore = (await h.db.select().from(auditLog).where(eq(auditLog.programId, w.program.id))).length;
    const res = await h.request('POST', `/v1/programs/${w.program.id}/commission-policies/DE/preview`, { token: w.manager.token, body: PROPOSAL });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      market: 'DE',
      country: 'DE',
      payoutCurrency: 'EUR',
      conversions: { total: 9, signups: 1, sales: 8, rejected: 1 },
      proposed: {
        // c1 1500; c2 750 - 375; c4 3000 cancelled -> 0; c5 1200 - 600; c14 1500 x 1.5; c10 963 yen.
        commissions: 6,
        totals: [
          { currency: 'EUR', amount: 1500 + 375 + 0 + 600 + 2250 },
          { currency: 'JPY', amount: 963 },
        ],
        payoutAmount: 4725 + 600,
        unpriced: 1,
      },
      current: {
        commissions: 5,
        totals: [
          { currency: 'EUR', amount: 1000 + 250 + 0 + 400 },
          { currency: 'JPY', amount: 100 },
        ],
        payoutAmount: 1650 + 62,
      },
      difference: { payoutAmount: 5325 - 1712 },
    });
    expect(new Date(res.body.to).getTime() - new Date(res.body.from).getTime()).toBe(30 * DAY_MS);

    // A preview changes nothing.
    expect((await h.db.select().from(auditLog).where(eq(auditLog.programId, w.program.id))).length).toBe(auditBefore);
    expect((await h.db.select().from(commissionPolicyVersions).where(eq(commissionPolicyVersions.programId, w.program.id))).length).toBe(1);
  });

  it('previews the default policy on the markets without a policy of their own', async () => {
    const w = await createWorld(h);
    await h.request('PUT', `/v1/programs/${w.program.id}/commission-policies/DE`, {
      token: w.admin.token,
      body: { mode: 'per_transaction', percentBps: 1000, effectiveFrom: daysAgo(60).toISOString() },
    });
    await plant(w, { kind: 'signup', marketCountry: null });
    await plant(w, { kind: 'sale', amount: 10_000, currency: 'EUR', marketCountry: 'FR' });
    await plant(w, { kind: 'sale', amount: 2000, currency: 'USD', marketCountry: 'US' });
    await plant(w, { kind: 'signup', marketCountry: 'DE' }); // DE pays by its own policy

    const res = await h.request('POST', `/v1/programs/${w.program.id}/commission-policies/default/preview`, {
      token: w.admin.token,
      body: { mode: 'per_signup', signupAmount: 200 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      market: 'default',
      country: null,
      conversions: { total: 3, signups: 1, sales: 2, rejected: 0 },
      proposed: { commissions: 1, totals: [{ currency: 'EUR', amount: 200 }], payoutAmount: 200, unpriced: 0 },
      current: { commissions: 0, totals: [], payoutAmount: 0 },
      difference: { payoutAmount: 200 },
    });
  });

  it('validates the proposal like the change itself, naming the field', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', `/v1/programs/${w.program.id}/commission-policies/DE/preview`, { token: w.admin.token, body: { mode: 'per_transaction' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ field: 'percentBps' })]);
  });
});
