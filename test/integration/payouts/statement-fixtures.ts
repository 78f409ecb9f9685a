import { inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { commissions, payoutItems, payoutRuns, payouts } from '../../../db/schema/index.js';
import { appendLogEntries, type LogEntryInput } from '../../../src/transparency/entries/append.js';
import { commissionEntry, type CommissionFacts } from '../../../src/transparency/entries/commission.js';
import { payoutEntry } from '../../../src/transparency/entries/payout.js';
import { sequenceLog } from '../../../src/transparency/log/sequencer.js';
import { createConversion, type World } from '../../helpers/factories.js';
import type { Harness } from '../../helpers/harness.js';

/**
 * A paid payout built directly in the database, the way the settlement leaves it: paid commissions
 * (a DE sale, a US sale in USD partly refunded before payment, a signup, and a clawback of an
 * earlier paid commission), their log entries up to approval, then in ONE transaction the payout,
 * its items and the `commission.paid` / `payout.paid` entries through appendLogEntries, each item
 * holding its paid entry's leaf hash. Payout runs have their own tests; statements only read this.
 */

export const DAY_MS = 86_400_000;

type CommissionRow = typeof commissions.$inferSelect;
type ConversionRow = Awaited<ReturnType<typeof createConversion>>;

export interface PaidPayoutOptions {
  /** The first sale's merchant order id (a hostile one for the CSV guard). */
  firstExternalId?: string;
  /** false: leave every entry in the outbox (not yet sequenced). */
  sequence?: boolean;
  /** For two payouts of one affiliate in one world. */
  tag?: string;
}

export interface PaidPayout {
  payout: typeof payouts.$inferSelect;
  run: typeof payoutRuns.$inferSelect;
  /** In the order a statement lists them (conversion time). */
  lines: { commission: CommissionRow; conversion: ConversionRow; itemAmount: number }[];
  paidAt: Date;
  total: number;
}

async function insertCommission(h: Harness, w: World, conversion: ConversionRow, values: Partial<typeof commissions.$inferInsert>): Promise<CommissionRow> {
  const [row] = await h.db
    .insert(commissions)
    .values({
      programId: w.program.id,
      conversionId: conversion.id,
      partnerMemberId: w.affiliate.member.id,
      kind: 'sale',
      status: 'approved',
      country: 'DE',
      amount: 1_000,
      currency: 'EUR',
      payoutCurrency: 'EUR',
      payoutAmount: 1_000,
      fxRate: '1',
      ...values,
    })
    .returning();
  return row!;
}

const at = (c: CommissionRow, status: CommissionFacts['status']): CommissionFacts => ({ ...c, status });

export async function buildPaidPayout(h: Harness, w: World, opts: PaidPayoutOptions = {}): Promise<PaidPayout> {
  const tag = opts.tag ?? 'a';
  const t0 = new Date(h.clock().getTime() - 60 * DAY_MS);
  const day = (n: number) => new Date(t0.getTime() + n * DAY_MS);
  const tenantId = w.tenant.id;
  const ctx = h.ctx();

  // An earlier paid commission a refund later clawed back (its own payout is not this statement's).
  const earlierSale = await createConversion(h, w, { externalId: `order-${tag}-earlier`, occurredAt: day(-5), completedAt: day(-5), amount: 2_000 });
  const earlier = await insertCommission(h, w, earlierSale, { status: 'paid', amount: 200, payoutAmount: 200, paidAt: day(-1) });

  const saleDe = await createConversion(h, w, { externalId: opts.firstExternalId ?? `order-${tag}-de`, occurredAt: day(1), completedAt: day(1), amount: 1_234_567 });
  const de = await insertCommission(h, w, saleDe, { amount: 123_456, payoutAmount: 123_456 });
  const saleUs = await createConversion(h, w, { externalId: `order-${tag}-us`, occurredAt: day(2), completedAt: day(2), amount: 50_000, currency: 'USD', marketCountry: 'US' });
  const us = await insertCommission(h, w, saleUs, {
    country: 'US',
    amount: 5_000,
    reversedAmount: 1_000,
    currency: 'USD',
    payoutAmount: 4_600,
    payoutReversedAmount: 920,
    fxRate: '0.9200000000',
  });
  const signupConv = await createConversion(h, w, { externalId: `signup-${tag}`, kind: 'signup', amount: null, currency: null, occurredAt: day(3), completedAt: day(3) });
  const signup = await insertCommission(h, w, signupConv, { kind: 'signup', amount: 1_000, payoutAmount: 1_000 });
  const clawback = await insertCommission(h, w, earlierSale, { kind: 'clawback', amount: -50, payoutAmount: -50, clawbackOf: earlier.id, refundId: `refund-${tag}` });

  // Their history up to this payout, as the commission lifecycle logs it.
  const history: LogEntryInput[] = [];
  for (const c of [de, us, signup]) history.push(commissionEntry('created', at({ ...c, reversedAmount: 0, payoutReversedAmount: 0 }, 'pending'), day(c === de ? 1 : c === us ? 2 : 3), 'conversion_processed', tenantId));
  history.push(commissionEntry('reversed', at(us, 'pending'), day(4), 'refund', tenantId, { reversedNow: 1_000, payoutReversedNow: 920 }));
  for (const c of [de, us, signup]) history.push(commissionEntry('approved', at(c, 'approved'), day(31), 'hold_period_over', tenantId));
  history.push(commissionEntry('clawback', at(clawback, 'approved'), day(32), 'refund', tenantId));
  await appendLogEntries(ctx, history);

  // Listed by conversion time: the clawback's conversion is the earliest.
  const settled = [clawback, de, us, signup];
  const convOf = new Map([
    [clawback.id, earlierSale],
    [de.id, saleDe],
    [us.id, saleUs],
    [signup.id, signupConv],
  ]);
  const itemAmount = (c: CommissionRow) => c.payoutAmount - c.payoutReversedAmount;
  const total = settled.reduce((s, c) => s + itemAmount(c), 0);
  const paidAt = day(40);

  const result = await h.db.transaction(async (raw) => {
    const tx = raw as unknown as Db;
    const [run] = await tx
      .insert(payoutRuns)
      .values({ programId: w.program.id, status: 'completed', trigger: 'admin', method: 'manual', periodKey: `2026-${tag}`, cutoffAt: day(39), startedAt: day(39), completedAt: paidAt })
      .returning();
    const [payout] = await tx
      .insert(payouts)
      .values({
        runId: run!.id,
        programId: w.program.id,
        partnerMemberId: w.affiliate.member.id,
        currency: 'EUR',
        amount: total,
        commissionCount: settled.length,
        method: 'manual',
        status: 'paid',
        idempotencyKey: `${run!.id}:${w.affiliate.member.id}:EUR`,
        manualReference: `BANK-REF-${tag}`,
        paidAt,
        paidBy: w.admin.user.id,
      })
      .returning();
    await tx.update(commissions).set({ status: 'paid', payoutId: payout!.id, paidAt }).where(inArray(commissions.id, settled.map((c) => c.id)));
    const written = await appendLogEntries({ db: tx, clock: h.clock }, [
      ...settled.map((c) => commissionEntry('paid', at(c, 'paid'), paidAt, 'payout_paid', tenantId, { payoutId: payout!.id })),
      payoutEntry({ ...payout!, method: 'manual' }, { type: 'payout.paid', commissionIds: settled.map((c) => c.id) }, paidAt, tenantId),
    ]);
    await tx.insert(payoutItems).values(settled.map((c, i) => ({ payoutId: payout!.id, commissionId: c.id, amount: itemAmount(c), paidLeafHash: written[i]!.leafHash })));
    return { run: run!, payout: payout! };
  });

  if (opts.sequence !== false) await sequenceLog({ db: h.db, clock: h.clock, keys: h.log });
  return { ...result, lines: settled.map((c) => ({ commission: c, conversion: convOf.get(c.id)!, itemAmount: itemAmount(c) })), paidAt, total };
}
