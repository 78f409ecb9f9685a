import { notifyPayoutFailed, notifyPayoutPaid } from '../../core/notifications/notify.js';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { commissions, payoutItems, payouts } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { appendLogEntries, hex } from '../../transparency/entries/append.js';
import { commissionEntry } from '../../transparency/entries/commission.js';
import { payoutEntry } from '../../transparency/entries/payout.js';
import { tenantOfProgram } from '../../transparency/entries/program-tenant.js';

/**
 * The two ends of a payout: paid (a Stripe transfer went through, or an admin paid it by hand) or
 * failed (Stripe refused, or retries gave up). Each is ONE transaction under the payout's row lock
 * with its log entries, so a payout settles once however many workers race to settle it.
 */

export type PayoutRow = typeof payouts.$inferSelect;

/** Only these settle; anything else was settled already. */
const OPEN = ['pending', 'processing'] as const;
const isOpen = (p: PayoutRow) => (OPEN as readonly string[]).includes(p.status);

export type Settlement = { transferId: string } | { manualReference: string; paidBy: string | null };

async function lockPayout(tx: ServiceContext, payoutId: string): Promise<PayoutRow | undefined> {
  const [row] = await tx.db.select().from(payouts).where(eq(payouts.id, payoutId)).for('update');
  return row;
}

/**
 * Marks the payout paid and each of its commissions paid, with a `commission.paid` entry per
 * commission (its leaf hash kept on the payout item, for the statement) and one `payout.paid`.
 * A payout already settled is returned as it is: the caller lost a race or is replaying.
 */
export async function settlePayout(ctx: ServiceContext, payoutId: string, how: Settlement): Promise<PayoutRow> {
  return await withTransaction(ctx, async (tx) => {
    const before = await lockPayout(tx, payoutId);
    if (!before) throw new Error(`payout ${payoutId} not found`);
    if (!isOpen(before)) return before;
    const now = tx.clock();
    const [payout] = await tx.db
      .update(payouts)
      .set({
        status: 'paid',
        paidAt: now,
        updatedAt: now,
        failureCode: null,
        failureMessage: null,
        ...('transferId' in how ? { stripeTransferId: how.transferId } : { manualReference: how.manualReference, paidBy: how.paidBy }),
      })
      .where(eq(payouts.id, payoutId))
      .returning();
    const paid = await tx.db
      .update(commissions)
      .set({ status: 'paid', paidAt: now, updatedAt: now })
      .where(and(eq(commissions.payoutId, payoutId), eq(commissions.status, 'approved')))
      .returning();
    paid.sort((a, b) => (a.id < b.id ? -1 : 1));
    const tenantId = await tenantOfProgram(tx.db, payout!.programId);
    const entries = paid.map((c) => commissionEntry('paid', c, now, 'payout_paid', tenantId, { payoutId }));
    entries.push(payoutEntry(payout!, { type: 'payout.paid', commissionIds: paid.map((c) => c.id) }, now, tenantId));
    const written = await appendLogEntries(tx, entries);
    if (paid.length) {
      const hashes = JSON.stringify(paid.map((c, i) => ({ commission_id: c.id, leaf_hash: hex(written[i]!.leafHash) })));
      await queryRows(
        tx.db,
        sql`update payout_items p set paid_leaf_hash = decode(h.leaf_hash, 'hex')
            from json_to_recordset(${hashes}::text::json) as h(commission_id text, leaf_hash text)
            where p.payout_id = ${payoutId} and p.commission_id = h.commission_id`,
      );
    }
    await recordAudit(tx, {
      tenantId,
      programId: payout!.programId,
      action: 'payout.paid',
      entityType: 'payout',
      entityId: payoutId,
      before: { status: before.status },
      after: { status: 'paid', amount: payout!.amount, currency: payout!.currency, commissionCount: paid.length, ...how },
    });
    await notifyPayoutPaid(tx, payout!);
    return payout!;
  });
}

/**
 * Marks the payout failed with Stripe's reason and gives its commissions back to the pool
 * (`payout_id` null), so the next run pays them. Nothing was paid, so the commissions keep their
 * status and get no entry of their own; `payout.failed` names the reason.
 */
export async function failPayout(ctx: ServiceContext, payoutId: string, failure: { code: string; message: string }): Promise<PayoutRow> {
  return await withTransaction(ctx, async (tx) => {
    const before = await lockPayout(tx, payoutId);
    if (!before) throw new Error(`payout ${payoutId} not found`);
    if (!isOpen(before)) return before;
    const now = tx.clock();
    const [payout] = await tx.db
      .update(payouts)
      .set({ status: 'failed', failedAt: now, updatedAt: now, failureCode: failure.code.slice(0, 200), failureMessage: failure.message.slice(0, 1000) })
      .where(eq(payouts.id, payoutId))
      .returning();
    const ids = (await tx.db.select({ id: commissions.id }).from(commissions).where(eq(commissions.payoutId, payoutId)).orderBy(asc(commissions.id)).for('update')).map((r) => r.id);
    if (ids.length) await tx.db.update(commissions).set({ payoutId: null, updatedAt: now }).where(inArray(commissions.id, ids));
    const tenantId = await tenantOfProgram(tx.db, payout!.programId);
    await appendLogEntries(tx, [payoutEntry(payout!, { type: 'payout.failed', failureCode: payout!.failureCode! }, now, tenantId)]);
    await recordAudit(tx, {
      tenantId,
      programId: payout!.programId,
      action: 'payout.failed',
      entityType: 'payout',
      entityId: payoutId,
      before: { status: before.status },
      after: { status: 'failed', failureCode: payout!.failureCode, failureMessage: payout!.failureMessage, commissionsReleased: ids.length },
    });
    await notifyPayoutFailed(tx, payout!);
    return payout!;
  });
}

/** The items of a payout (the statement's lines), in commission order. */
export async function itemsOf(ctx: Pick<ServiceContext, 'db'>, payoutId: string) {
  return await ctx.db.select().from(payoutItems).where(eq(payoutItems.payoutId, payoutId)).orderBy(asc(payoutItems.commissionId));
}
