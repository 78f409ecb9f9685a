import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { commissionPolicyVersions, commissions, programs } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { grantReferralRewardsOnCompletion } from '../../core/referrals/rewards.js';
import type { Attribution, ConversionRow } from '../../tracking/conversions/types.js';
import type { FraudReason } from '../../tracking/fraud/rules.js';
import { appendLogEntries } from '../../transparency/entries/append.js';
import { commissionEntry, type CommissionReason } from '../../transparency/entries/commission.js';
import { tenantOfProgram } from '../../transparency/entries/program-tenant.js';
import { refundReversal } from '../commission-math.js';
import { policyInForce } from '../policies/in-force.js';
import { holdUntilFor, mayOweCommission, plannedCommission, reversedFor } from './plan.js';
import { partnerMultiplierBps, priceCommission } from './pricing.js';

export { holdUntilFor, reversedFor, type HoldReason } from './plan.js';

/**
 * What conversion events do to commissions (issue 4). Conversion intake and processing call these
 * inside their transaction, with the conversion row locked, so events of one conversion never
 * interleave. Every effect is idempotent: a replayed event changes nothing. Each change of a
 * commission writes its log entry (transparency/entries/commission.ts) in that transaction.
 */

export type CommissionRow = typeof commissions.$inferSelect;

/** The clawback of a cancellation after payment (refunds use their own id). */
export const CANCEL_CLAWBACK_ID = 'cancel';

/** The conversion's own commission (not its clawbacks), locked when `lock`. */
export async function commissionOfConversion(db: Db, conversionId: string, lock = false): Promise<CommissionRow | undefined> {
  const query = db
    .select()
    .from(commissions)
    .where(and(eq(commissions.conversionId, conversionId), ne(commissions.kind, 'clawback')));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/**
 * Creates the commission of a processed, attributed conversion by the policy in force for its
 * market when it happened: `held` with the fraud reasons if any, else `pending`. Idempotent (one
 * per conversion); null when nothing is owed (no partner, no policy, nothing earned, cancelled).
 * Refunds recorded before processing are honoured: the commission starts with them reversed.
 */
export async function createCommissionForConversion(tx: ServiceContext, conversion: ConversionRow, attribution: Attribution, fraudReasons: FraudReason[]): Promise<CommissionRow | null> {
  const partnerId = attribution.partnerMemberId;
  if (!partnerId || !mayOweCommission(conversion, attribution)) return null;
  const existing = await commissionOfConversion(tx.db, conversion.id);
  if (existing) return existing;
  const version = await policyInForce(tx.db, conversion.programId, attribution.marketCountry, conversion.occurredAt);
  if (!version) return null;
  const [program] = await tx.db.select({ payoutCurrency: programs.payoutCurrency, tenantId: programs.tenantId }).from(programs).where(eq(programs.id, conversion.programId));
  if (!program) return null;
  const multiplierBps = await partnerMultiplierBps(tx.db, conversion.programId, partnerId, tx.clock());
  const pricing = await priceCommission(tx.db, { version, conversion, multiplierBps, payoutCurrency: program.payoutCurrency, tenantId: program.tenantId });
  const planned = plannedCommission({ conversion, attribution, fraudReasons, version, payoutCurrency: program.payoutCurrency, multiplierBps, pricing });
  if (!planned) return null;
  const [created] = await tx.db.insert(commissions).values(planned).onConflictDoNothing().returning();
  if (created) await appendLogEntries(tx, [commissionEntry('created', created, tx.clock(), 'conversion_processed', program.tenantId)]);
  return created ?? (await commissionOfConversion(tx.db, conversion.id)) ?? null;
}

/** The sale was completed: its commission's hold period starts now (and a referred friend's first purchase is rewarded). */
export async function onConversionCompleted(tx: ServiceContext, conversion: ConversionRow): Promise<void> {
  const commission = await commissionOfConversion(tx.db, conversion.id, true);
  if (commission && commission.holdUntil === null && (commission.status === 'pending' || commission.status === 'held')) {
    const [version] = commission.policyVersionId
      ? await tx.db.select({ holdDays: commissionPolicyVersions.holdDays }).from(commissionPolicyVersions).where(eq(commissionPolicyVersions.id, commission.policyVersionId))
      : [];
    const holdUntil = holdUntilFor(conversion, version?.holdDays ?? 0);
    if (holdUntil) await tx.db.update(commissions).set({ holdUntil }).where(eq(commissions.id, commission.id));
  }
  await grantReferralRewardsOnCompletion(tx, conversion);
}

/**
 * A refund was recorded (`conversion` already carries the new refunded total): before payment the
 * commission shrinks pro rata (reversed when nothing is left); once paid, or in a payout being
 * paid, a negative clawback commission is created for the next payout. Idempotent per refund id.
 */
export async function onConversionRefunded(tx: ServiceContext, conversion: ConversionRow, refund: { id: string; amount: number; refundedBefore: number }): Promise<void> {
  const commission = await commissionOfConversion(tx.db, conversion.id, true);
  if (!commission || !conversion.amount) return;
  const refunded = refund.refundedBefore + refund.amount;
  if (committedToPayout(commission)) {
    await createClawback(tx, commission, refund.id, {
      amount: refundReversal(commission.amount, conversion.amount, refund.refundedBefore, refund.amount),
      payoutAmount: refundReversal(commission.payoutAmount, conversion.amount, refund.refundedBefore, refund.amount),
    });
    return;
  }
  if (commission.status === 'reversed' || commission.status === 'rejected') return;
  // Cumulative, so a replay of the same refund lands on the same totals.
  const target = reversedFor(commission, conversion.amount, refunded);
  const reversedAmount = Math.max(commission.reversedAmount, target.reversedAmount);
  const payoutReversedAmount = Math.max(commission.payoutReversedAmount, target.payoutReversedAmount);
  const nothingLeft = refunded >= conversion.amount || (commission.amount > 0 && reversedAmount >= commission.amount);
  const [after] = await tx.db
    .update(commissions)
    .set({ reversedAmount, payoutReversedAmount, ...(nothingLeft ? { status: 'reversed' as const, reversedAt: tx.clock() } : {}) })
    .where(eq(commissions.id, commission.id))
    .returning();
  await logReversal(tx, commission, after!, 'refund');
}

/**
 * Paid, or in a payout that is being paid (assembled, transfer not yet settled): its amount is
 * what the payout sends, so a refund is taken back by a clawback in the next payout rather than
 * by shrinking it under the payout's feet. Should that payout fail, the commission returns to the
 * pool whole and the clawback nets against it there.
 */
const committedToPayout = (c: CommissionRow) => c.status === 'paid' || (c.status === 'approved' && c.payoutId !== null);

/** `commission.reversed` when a refund or cancellation changed the commission (a replay changes nothing, logs nothing). */
async function logReversal(tx: ServiceContext, before: CommissionRow, after: CommissionRow, reason: CommissionReason): Promise<void> {
  const reversedNow = after.reversedAmount - before.reversedAmount;
  const payoutReversedNow = after.payoutReversedAmount - before.payoutReversedAmount;
  if (reversedNow === 0 && payoutReversedNow === 0 && after.status === before.status) return;
  const tenantId = await tenantOfProgram(tx.db, after.programId);
  await appendLogEntries(tx, [commissionEntry('reversed', after, tx.clock(), reason, tenantId, { reversedNow, payoutReversedNow })]);
}

/** The conversion was cancelled: like a full refund. */
export async function onConversionCancelled(tx: ServiceContext, conversion: ConversionRow): Promise<void> {
  const commission = await commissionOfConversion(tx.db, conversion.id, true);
  if (!commission || commission.status === 'reversed' || commission.status === 'rejected') return;
  if (committedToPayout(commission)) {
    // What payment and earlier clawbacks left is taken back in one clawback.
    const [clawed] = await tx.db
      .select({
        amount: sql<string>`coalesce(sum(-${commissions.amount}), 0)`,
        payoutAmount: sql<string>`coalesce(sum(-${commissions.payoutAmount}), 0)`,
      })
      .from(commissions)
      .where(and(eq(commissions.clawbackOf, commission.id), eq(commissions.kind, 'clawback')));
    await createClawback(tx, commission, CANCEL_CLAWBACK_ID, {
      amount: commission.amount - commission.reversedAmount - Number(clawed?.amount ?? 0),
      payoutAmount: commission.payoutAmount - commission.payoutReversedAmount - Number(clawed?.payoutAmount ?? 0),
    });
    return;
  }
  const [after] = await tx.db
    .update(commissions)
    .set({ status: 'reversed', reversedAmount: commission.amount, payoutReversedAmount: commission.payoutAmount, reversedAt: tx.clock() })
    .where(eq(commissions.id, commission.id))
    .returning();
  await logReversal(tx, commission, after!, 'cancel');
}

/** A negative, approved commission carried into the partner's next payout; one per (paid commission, refund). */
async function createClawback(tx: ServiceContext, paid: CommissionRow, refundId: string, taken: { amount: number; payoutAmount: number }): Promise<void> {
  if (taken.amount <= 0 && taken.payoutAmount <= 0) return;
  const now = tx.clock();
  const [created] = await tx.db
    .insert(commissions)
    .values({
      programId: paid.programId,
      conversionId: paid.conversionId,
      partnerMemberId: paid.partnerMemberId,
      kind: 'clawback',
      status: 'approved',
      policyVersionId: paid.policyVersionId,
      country: paid.country,
      amount: -Math.max(0, taken.amount),
      currency: paid.currency,
      payoutCurrency: paid.payoutCurrency,
      payoutAmount: -Math.max(0, taken.payoutAmount),
      fxRate: paid.fxRate,
      fxRateId: paid.fxRateId,
      multiplierBps: paid.multiplierBps,
      approvedAt: now,
      clawbackOf: paid.id,
      refundId,
    })
    .onConflictDoNothing()
    .returning();
  if (!created) return;
  const tenantId = await tenantOfProgram(tx.db, paid.programId);
  await appendLogEntries(tx, [commissionEntry('clawback', created, now, refundId === CANCEL_CLAWBACK_ID ? 'cancel' : 'refund', tenantId)]);
}
