import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { memberOrders, pointsEntries, tiers } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError } from '../../errors.js';
import { assertStaff, loadMemberInScope } from '../auth/scope.js';
import { enqueueTierEvaluation } from '../tiers/enqueue.js';
import { parseInput } from '../validation.js';
import { pointsForOrder } from './calculations.js';
import { earnPoints } from './earn.js';
import { id } from './input.js';
import { pointsSettings } from './settings.js';
import { requestHash } from './views.js';

type OrderRow = typeof memberOrders.$inferSelect;

export const orderInput = z.object({
  programId: id,
  memberId: id,
  externalId: z.string().trim().min(1).max(200),
  amount: z.number().int('must be in minor units').min(1).max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in capitals'),
  occurredAt: z.date().optional(),
});
export type RecordOrderInput = z.input<typeof orderInput>;

export function orderView(o: OrderRow, pointsEarned: number) {
  return {
    id: o.id,
    programId: o.programId,
    memberId: o.memberId,
    externalId: o.externalId,
    amount: o.amount,
    currency: o.currency,
    refundedAmount: o.refundedAmount,
    status: o.status,
    occurredAt: o.occurredAt.toISOString(),
    earnEntryId: o.earnEntryId,
    pointsEarned,
    createdAt: o.createdAt.toISOString(),
  };
}
export type MemberOrderView = ReturnType<typeof orderView>;

/** The idempotency key of the points an order earned; derived so a replayed order never earns twice. */
export const orderEarnKey = (externalId: string) => `order:${externalId}`;

async function loadOrderView(ctx: ServiceContext, programId: string, externalId: string): Promise<{ order: OrderRow; view: MemberOrderView }> {
  const [row] = await ctx.db
    .select({ order: memberOrders, points: pointsEntries.amount })
    .from(memberOrders)
    .leftJoin(pointsEntries, eq(pointsEntries.id, memberOrders.earnEntryId))
    .where(and(eq(memberOrders.programId, programId), eq(memberOrders.externalId, externalId)));
  if (!row) throw new Error(`order ${externalId} vanished`);
  return { order: row.order, view: orderView(row.order, row.points ?? 0) };
}

/**
 * Records a completed purchase and earns its points: floor(amount/100 x pointsPerUnit x the
 * member's tier multiplier). The external id is the idempotency key: a replay returns the order
 * (as it is now), the same external id with other details is 409 `idempotency_key_reused`.
 */
export async function recordOrder(ctx: ServiceContext, raw: RecordOrderInput): Promise<MemberOrderView> {
  const input = parseInput(orderInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const hash = requestHash({ op: 'order', memberId: member.id, amount: input.amount, currency: input.currency, occurredAt: input.occurredAt });
  return await withTransaction(ctx, async (tx) => {
    const now = tx.clock();
    const [order] = await tx.db
      .insert(memberOrders)
      .values({
        programId: program.id,
        memberId: member.id,
        externalId: input.externalId,
        requestHash: hash,
        amount: input.amount,
        currency: input.currency,
        occurredAt: input.occurredAt ?? now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [memberOrders.programId, memberOrders.externalId] })
      .returning();
    if (!order) {
      const existing = await loadOrderView(tx, program.id, input.externalId);
      if (existing.order.requestHash !== hash) {
        throw new ConflictError('An order with this externalId was already recorded with different details.', 'idempotency_key_reused', {
          externalId: input.externalId,
        });
      }
      return existing.view;
    }
    // Spend counts towards tiers even when the order earns no points, and so does a referrer's referral revenue.
    await enqueueTierEvaluation(tx, { programId: program.id, memberId: member.id });
    if (member.referredByMemberId) await enqueueTierEvaluation(tx, { programId: program.id, memberId: member.referredByMemberId });
    let multiplierBps = 10_000;
    if (member.tierId) {
      const [tier] = await tx.db.select({ bps: tiers.pointsMultiplierBps, kind: tiers.kind }).from(tiers).where(eq(tiers.id, member.tierId));
      // A paid tier past its expiry no longer earns its multiplier, even before the hourly job ends it.
      const lapsed = tier?.kind === 'paid' && (!member.tierExpiresAt || member.tierExpiresAt <= tx.clock());
      multiplierBps = tier && !lapsed ? tier.bps : 10_000;
    }
    const points = pointsForOrder(input.amount, pointsSettings(program).pointsPerUnit, multiplierBps);
    if (points === 0) return orderView(order, 0);
    const entry = await earnPoints(tx, {
      programId: program.id,
      memberId: member.id,
      points,
      idempotencyKey: orderEarnKey(input.externalId),
      reason: 'order',
      reference: input.externalId,
      orderId: order.id,
    });
    const [updated] = await tx.db.update(memberOrders).set({ earnEntryId: entry.id }).where(eq(memberOrders.id, order.id)).returning();
    return orderView(updated!, entry.amount);
  });
}
