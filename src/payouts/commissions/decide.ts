import { notifyCommissionDecided } from '../../core/notifications/notify.js';
import { eq } from 'drizzle-orm';
import { commissionPolicyVersions, commissions, conversions, programs } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { actorId } from '../../core/auth/actor.js';
import { recordAudit } from '../../core/audit.js';
import { assertStaff } from '../../core/auth/scope.js';
import { parseInput } from '../../core/validation.js';
import { ForbiddenError, UnprocessableError } from '../../errors.js';
import { appendLogEntries } from '../../transparency/entries/append.js';
import { commissionEntry } from '../../transparency/entries/commission.js';
import { reversedFor, type CommissionRow } from './effects.js';
import { CommissionDecisionInputSchema, type CommissionDecisionInput } from './input.js';
import { loadCommissionInScope } from './list.js';
import { priceCommission, type PricedCommission } from './pricing.js';
import { commissionView, partnerNamesOf, type CommissionView } from './views.js';

/**
 * A manager's decision on a held commission (fraud reasons or a missing FX rate), with a reason
 * the partner reads. Approving puts it back on the normal path: pending until its hold period ends
 * (a sale also waits for completion), approved at once when that has passed. Rejecting is final.
 * Deciding again the same way replays the decision; the other way is refused.
 */

type Decision = 'approve' | 'reject';

const auditShape = (c: CommissionRow) => ({
  status: c.status,
  amount: c.amount,
  reversedAmount: c.reversedAmount,
  payoutAmount: c.payoutAmount,
  fxRate: c.fxRate,
  holdReasons: c.holdReasons,
  decisionReason: c.decisionReason,
});

/** Whether a commission no longer held was decided this way (a replay of the same call). */
function decidedAs(c: CommissionRow, decision: Decision): boolean {
  if (!c.decidedAt) return false;
  return decision === 'reject' ? c.status === 'rejected' : c.status !== 'rejected' && c.status !== 'held';
}

export async function approveHeldCommission(ctx: ServiceContext, commissionId: string, raw: CommissionDecisionInput): Promise<CommissionView> {
  return await decide(ctx, commissionId, raw, 'approve');
}

export async function rejectHeldCommission(ctx: ServiceContext, commissionId: string, raw: CommissionDecisionInput): Promise<CommissionView> {
  return await decide(ctx, commissionId, raw, 'reject');
}

async function decide(ctx: ServiceContext, commissionId: string, raw: CommissionDecisionInput, decision: Decision): Promise<CommissionView> {
  const input = parseInput(CommissionDecisionInputSchema, raw);
  assertStaff(ctx.actor);
  // A merchant's server reports conversions; judging its partners' commissions is the staff's call.
  if (ctx.actor.kind === 'api_key') throw new ForbiddenError('Only staff decide held commissions.');
  return await withTransaction(ctx, async (tx) => {
    const { commission: before, program } = await loadCommissionInScope(tx, commissionId, true);
    if (before.status !== 'held') {
      if (decidedAs(before, decision)) return commissionView(before, tx.actor, await partnerNamesOf(tx.db, [before]));
      throw new UnprocessableError('unprocessable', `Only a held commission can be ${decision === 'approve' ? 'approved' : 'rejected'}; this one is ${before.status}.`, {
        reason: 'not_held',
        status: before.status,
      });
    }
    const now = tx.clock();
    const decided = { decidedBy: actorId(tx.actor), decidedAt: now, decisionReason: input.reason };
    let changes: Partial<typeof commissions.$inferInsert>;
    if (decision === 'reject') {
      changes = { ...decided, status: 'rejected' };
    } else {
      const repriced = before.holdReasons.includes('fx_rate_missing') ? await reprice(tx, before) : {};
      const due = before.holdUntil !== null && before.holdUntil <= now;
      changes = { ...decided, ...repriced, status: due ? 'approved' : 'pending', ...(due ? { approvedAt: now } : {}) };
    }
    const [after] = await tx.db.update(commissions).set(changes).where(eq(commissions.id, before.id)).returning();
    // The reason text is the manager's words to the partner: the log carries only its code.
    const change = decision === 'reject' ? 'rejected' : after!.status === 'approved' ? 'approved' : 'released';
    await appendLogEntries(tx, [commissionEntry(change, after!, now, decision === 'reject' ? 'manager_rejected' : 'manager_approved', program.tenantId)]);
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: decision === 'approve' ? 'commission.approved' : 'commission.rejected',
      entityType: 'commission',
      entityId: before.id,
      before: auditShape(before),
      after: { ...auditShape(after!), reason: input.reason },
    });
    await notifyCommissionDecided(tx, after!, decision === 'reject' ? 'rejected' : 'approved', input.reason);
    return commissionView(after!, tx.actor, await partnerNamesOf(tx.db, [after!]));
  });
}

/**
 * Prices a commission held for a missing FX rate again, now that a rate should exist: the rate in
 * force when the conversion happened, else the latest one. Refunds recorded meanwhile are applied.
 */
async function reprice(tx: ServiceContext, held: CommissionRow): Promise<Partial<PricedCommission> & { reversedAmount?: number; payoutReversedAmount?: number }> {
  const [conversion] = await tx.db.select().from(conversions).where(eq(conversions.id, held.conversionId));
  const [version] = held.policyVersionId ? await tx.db.select().from(commissionPolicyVersions).where(eq(commissionPolicyVersions.id, held.policyVersionId)) : [];
  if (!conversion || !version) throw new UnprocessableError('unprocessable', 'The commission cannot be priced again: its conversion or policy version is gone.', { reason: 'not_priceable' });
  const [program] = await tx.db.select({ tenantId: programs.tenantId }).from(programs).where(eq(programs.id, held.programId));
  const pricing = await priceCommission(tx.db, { version, conversion, multiplierBps: held.multiplierBps, payoutCurrency: held.payoutCurrency, tenantId: program!.tenantId, fxFallbackAt: tx.clock() });
  if (pricing?.outcome === 'fx_missing') {
    throw new UnprocessableError('unprocessable', 'An exchange rate this commission needs is still unknown; add it (PUT /v1/fx-rates) before approving.', {
      reason: 'fx_rate_missing',
    });
  }
  const priced: PricedCommission = pricing ?? { amount: 0, currency: held.currency, payoutAmount: 0, fxRate: held.fxRate, fxRateId: held.fxRateId };
  const { amount, currency, payoutAmount, fxRate, fxRateId } = priced;
  return { amount, currency, payoutAmount, fxRate, fxRateId, ...reversedFor(priced, conversion.amount, conversion.refundedAmount) };
}
