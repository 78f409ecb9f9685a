import type { payoutItems, payoutRuns, payouts } from '../../../db/schema/index.js';
import type { Actor } from '../../core/auth/actor.js';
import { staffUserSeenBy } from '../../core/auth/staff-identity.js';
import { hex } from '../../transparency/entries/append.js';

/** What the API shows of payouts and runs. Staff see who paid by hand; affiliates do not. */

export type PayoutRunRow = typeof payoutRuns.$inferSelect;
export type PayoutItemRow = typeof payoutItems.$inferSelect;

export function payoutView(p: typeof payouts.$inferSelect, actor: Actor, items?: PayoutItemRow[]) {
  return {
    id: p.id,
    runId: p.runId,
    programId: p.programId,
    partnerMemberId: p.partnerMemberId,
    currency: p.currency,
    amount: p.amount,
    commissionCount: p.commissionCount,
    method: p.method,
    status: p.status,
    stripeAccountId: p.stripeAccountId,
    stripeTransferId: p.stripeTransferId,
    manualReference: p.manualReference,
    attempts: p.attempts,
    lastAttemptAt: p.lastAttemptAt?.toISOString() ?? null,
    failureCode: p.failureCode,
    failureMessage: p.failureMessage,
    paidAt: p.paidAt?.toISOString() ?? null,
    paidBy: staffUserSeenBy(actor, p.paidBy),
    failedAt: p.failedAt?.toISOString() ?? null,
    reversedAmount: p.reversedAmount,
    reversedAt: p.reversedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    ...(items ? { items: items.map(payoutItemView) } : {}),
  };
}

export const payoutItemView = (i: PayoutItemRow) => ({
  commissionId: i.commissionId,
  amount: i.amount,
  paidLeafHash: i.paidLeafHash ? hex(i.paidLeafHash) : null,
});

export function payoutRunView(r: PayoutRunRow) {
  return {
    id: r.id,
    programId: r.programId,
    status: r.status,
    trigger: r.trigger,
    method: r.method,
    periodKey: r.periodKey,
    idempotencyKey: r.idempotencyKey,
    requestedBy: r.requestedBy,
    cutoffAt: r.cutoffAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    completedAt: r.completedAt?.toISOString() ?? null,
    summary: r.summary,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export type PayoutView = ReturnType<typeof payoutView>;
export type PayoutRunView = ReturnType<typeof payoutRunView>;
