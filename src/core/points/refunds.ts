import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberOrderRefunds, memberOrders, pointsEntries } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { assertStaff, loadMemberInScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';
import { refundPointsDelta } from './calculations.js';
import { id, idempotencyKey } from './input.js';
import { applyEntry, lockAccount } from './ledger.js';
import { claimedFromEarn } from './lots.js';
import { planEarnClawback } from './reverse.js';
import { requestHash } from './views.js';

type RefundRow = typeof memberOrderRefunds.$inferSelect;

const refundInput = z.object({
  programId: id,
  memberId: id,
  orderId: id,
  amount: z.number().int('must be in minor units').min(1).max(Number.MAX_SAFE_INTEGER),
  idempotencyKey,
});
export type RefundOrderInput = z.input<typeof refundInput>;

export function refundView(r: RefundRow, currency: string) {
  return {
    id: r.id,
    orderId: r.orderId,
    amount: r.amount,
    currency,
    pointsReversed: r.pointsReversed,
    pointsShortfall: r.pointsShortfall,
    entryId: r.entryId,
    idempotencyKey: r.idempotencyKey,
    createdAt: r.createdAt.toISOString(),
  };
}
export type OrderRefundView = ReturnType<typeof refundView>;

function conflictUnlessSame(existing: RefundRow, hash: string): void {
  if (existing.requestHash !== hash) {
    throw new ConflictError('This idempotency key was already used for a different request.', 'idempotency_key_reused', {
      idempotencyKey: existing.idempotencyKey,
    });
  }
}

/**
 * Refunds (part of) an order and takes back its points pro rata, cumulatively so that a full
 * refund claims exactly what the order earned. Points the member already spent are taken from
 * their other spendable points; whatever is still missing is NOT taken (balances never go
 * negative) and is recorded as `pointsShortfall` on the refund and `shortfall` on the entry.
 */
export async function refundOrder(ctx: ServiceContext, raw: RefundOrderInput): Promise<OrderRefundView> {
  const input = parseInput(refundInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const hash = requestHash({ op: 'refund', orderId: input.orderId, amount: input.amount });
  return await withTransaction(ctx, async (tx) => {
    await lockAccount(tx.db, program.id, member.id);
    const [order] = await tx.db
      .select()
      .from(memberOrders)
      .where(and(eq(memberOrders.id, input.orderId), eq(memberOrders.memberId, member.id), eq(memberOrders.programId, program.id)))
      .for('update');
    if (!order) throw new NotFoundError('Order', input.orderId);
    const [existing] = await tx.db
      .select()
      .from(memberOrderRefunds)
      .where(and(eq(memberOrderRefunds.programId, program.id), eq(memberOrderRefunds.idempotencyKey, input.idempotencyKey)));
    if (existing) {
      conflictUnlessSame(existing, hash);
      return refundView(existing, order.currency);
    }
    const refundable = order.amount - order.refundedAmount;
    if (input.amount > refundable) {
      throw new ValidationError([{ field: 'amount', reason: `must not exceed the refundable amount (${refundable})` }]);
    }
    const now = tx.clock();
    let entryId: string | null = null;
    let reversed = 0;
    let shortfall = 0;
    if (order.earnEntryId) {
      const [earn] = await tx.db.select().from(pointsEntries).where(eq(pointsEntries.id, order.earnEntryId));
      const delta = refundPointsDelta(earn!.amount, order.amount, order.refundedAmount, input.amount);
      // A manual reversal of the earn may already have claimed some or all of it.
      const target = Math.min(delta, earn!.amount - (await claimedFromEarn(tx.db, earn!.id)));
      if (target > 0) {
        const plan = await planEarnClawback(tx, earn!, target, { fromOtherLots: true });
        const written = await applyEntry(tx.db, tx.actor, now, {
          ...plan,
          programId: program.id,
          memberId: member.id,
          kind: 'reverse',
          idempotencyKey: `refund:${input.idempotencyKey}`,
          requestHash: hash,
          reason: 'refund',
          reference: order.externalId,
          reversesEntryId: earn!.id,
          orderId: order.id,
        });
        if (!written) throw new ConflictError('This idempotency key was already used for a different request.', 'idempotency_key_reused');
        entryId = written.id;
        reversed = -written.amount;
        shortfall = written.shortfall;
      }
    }
    const refundedAmount = order.refundedAmount + input.amount;
    await tx.db
      .update(memberOrders)
      .set({ refundedAmount, status: refundedAmount === order.amount ? 'refunded' : 'partially_refunded', updatedAt: now })
      .where(eq(memberOrders.id, order.id));
    const [refund] = await tx.db
      .insert(memberOrderRefunds)
      .values({
        programId: program.id,
        orderId: order.id,
        idempotencyKey: input.idempotencyKey,
        requestHash: hash,
        amount: input.amount,
        entryId,
        pointsReversed: reversed,
        pointsShortfall: shortfall,
        createdAt: now,
      })
      .onConflictDoNothing({ target: [memberOrderRefunds.programId, memberOrderRefunds.idempotencyKey] })
      .returning();
    // Only a refund of another member's order can hold the key here (ours are serialised by the lock).
    if (!refund) throw new ConflictError('This idempotency key was already used for a different request.', 'idempotency_key_reused');
    return refundView(refund, order.currency);
  });
}

