import { notifyPayoutReversed } from '../../core/notifications/notify.js';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { commissions, payoutItems, payouts } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { appendLogEntries } from '../../transparency/entries/append.js';
import { commissionEntry } from '../../transparency/entries/commission.js';
import { payoutEntry } from '../../transparency/entries/payout.js';
import { tenantOfProgram } from '../../transparency/entries/program-tenant.js';

/**
 * Stripe took (part of) a paid payout back by reversing its transfer (`transfer.reversed`, from
 * the dashboard or the API). All of it: the payout is `reversed` and each commission it settled
 * is owed again (`approved`, no payout), with a `commission.unpaid` entry each and one
 * `payout.reversed`. Part of it: the payout stays paid and records what was taken, with a
 * `payout.reversed` (full: false) entry; what to do about the difference is the admin's call.
 * One transaction under the payout's row lock; the same reversed amount again changes nothing.
 */

export interface TransferReversal {
  /** Stripe's transfer id; `payoutId` (the transfer's metadata) finds a payout not yet linked to it. */
  transferId: string;
  payoutId?: string | null;
  /** The transfer's `amount_reversed` so far (cumulative, as Stripe reports it). */
  amountReversed: number;
}

export class PayoutNotSettledError extends Error {
  constructor(payoutId: string) {
    super(`payout ${payoutId} is still being transferred; its reversal waits until it is settled`);
  }
}

export type ReversalOutcome = 'reversed' | 'partially_reversed' | 'unchanged' | 'not_paid' | 'unknown_payout';

export async function applyTransferReversal(ctx: ServiceContext, reversal: TransferReversal): Promise<ReversalOutcome> {
  return await withTransaction(ctx, async (tx) => {
    const [byTransfer] = await tx.db.select().from(payouts).where(eq(payouts.stripeTransferId, reversal.transferId)).for('update');
    const [byMetadata] = byTransfer || !reversal.payoutId ? [] : await tx.db.select().from(payouts).where(eq(payouts.id, reversal.payoutId)).for('update');
    const before = byTransfer ?? byMetadata;
    if (!before) return 'unknown_payout';
    // The transfer exists but the run has not recorded it yet: retried until it has.
    if (before.status === 'pending' || before.status === 'processing') throw new PayoutNotSettledError(before.id);
    if (before.status === 'failed') return 'not_paid';
    if (before.stripeTransferId && before.stripeTransferId !== reversal.transferId) return 'unknown_payout';
    const reversedAmount = Math.min(before.amount, reversal.amountReversed);
    if (before.status === 'reversed' || reversedAmount <= before.reversedAmount) return 'unchanged';

    const now = tx.clock();
    const full = reversedAmount >= before.amount;
    const [payout] = await tx.db
      .update(payouts)
      .set({ reversedAmount, updatedAt: now, ...(full ? { status: 'reversed' as const, reversedAt: now } : {}) })
      .where(eq(payouts.id, before.id))
      .returning();
    const tenantId = await tenantOfProgram(tx.db, payout!.programId);
    let unpaid: (typeof commissions.$inferSelect)[] = [];
    if (full) {
      const settled = tx.db.select({ id: payoutItems.commissionId }).from(payoutItems).where(eq(payoutItems.payoutId, payout!.id));
      const ids = (
        await tx.db
          .select({ id: commissions.id })
          .from(commissions)
          .where(and(inArray(commissions.id, settled), eq(commissions.payoutId, payout!.id), eq(commissions.status, 'paid')))
          .orderBy(asc(commissions.id))
          .for('update')
      ).map((r) => r.id);
      if (ids.length) {
        unpaid = await tx.db.update(commissions).set({ status: 'approved', payoutId: null, paidAt: null, updatedAt: now }).where(inArray(commissions.id, ids)).returning();
        unpaid.sort((a, b) => (a.id < b.id ? -1 : 1));
      }
    }
    const entries = unpaid.map((c) => commissionEntry('unpaid', c, now, 'payout_reversed', tenantId, { payoutId: payout!.id }));
    entries.push(payoutEntry(payout!, { type: 'payout.reversed', reversedAmount, full }, now, tenantId));
    await appendLogEntries(tx, entries);
    await recordAudit(tx, {
      tenantId,
      programId: payout!.programId,
      action: 'payout.reversed',
      entityType: 'payout',
      entityId: payout!.id,
      before: { status: before.status, reversedAmount: before.reversedAmount },
      after: { status: payout!.status, reversedAmount, full, transferId: reversal.transferId, commissionsUnpaid: unpaid.map((c) => c.id) },
    });
    await notifyPayoutReversed(tx, { ...payout!, reversedAmount, full });
    return full ? 'reversed' : 'partially_reversed';
  });
}
