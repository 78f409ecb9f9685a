import { notifications, type NotificationKind } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';

export interface NotificationInput {
  programId: string;
  memberId: string;
  kind: NotificationKind;
  params: Record<string, string | number | null>;
  /** The event's own id, so that handling it twice notifies once. */
  dedupeKey: string;
}

/**
 * Tells an affiliate or member about a change to their money. Call it inside the transaction that
 * makes the change: the message exists exactly when the change does.
 */
export async function notify(tx: ServiceContext, input: NotificationInput): Promise<void> {
  await tx.db.insert(notifications).values({ ...input, createdAt: tx.clock() }).onConflictDoNothing({ target: notifications.dedupeKey });
}

type PayoutFacts = { id: string; programId: string; partnerMemberId: string; amount: number; currency: string };

export const notifyPayoutPaid = (tx: ServiceContext, p: PayoutFacts & { method: string }) =>
  notify(tx, { programId: p.programId, memberId: p.partnerMemberId, kind: 'payout_paid', params: { payoutId: p.id, amount: p.amount, currency: p.currency, method: p.method }, dedupeKey: `payout_paid:${p.id}` });

export const notifyPayoutFailed = (tx: ServiceContext, p: PayoutFacts & { failureCode: string | null }) =>
  notify(tx, { programId: p.programId, memberId: p.partnerMemberId, kind: 'payout_failed', params: { payoutId: p.id, amount: p.amount, currency: p.currency, failureCode: p.failureCode }, dedupeKey: `payout_failed:${p.id}` });

/** One per reversal step: a partial reversal and a later full one are two messages. */
export const notifyPayoutReversed = (tx: ServiceContext, p: PayoutFacts & { reversedAmount: number; full: boolean }) =>
  notify(tx, {
    programId: p.programId,
    memberId: p.partnerMemberId,
    kind: 'payout_reversed',
    params: { payoutId: p.id, amount: p.reversedAmount, currency: p.currency, full: p.full ? 1 : 0 },
    dedupeKey: `payout_reversed:${p.id}:${p.reversedAmount}`,
  });

type CommissionFacts = { id: string; programId: string; partnerMemberId: string; payoutAmount: number; payoutCurrency: string };

/** A held commission decided by staff; the reason is their words to the partner. */
export const notifyCommissionDecided = (tx: ServiceContext, c: CommissionFacts, decision: 'approved' | 'rejected', reason: string | null) =>
  notify(tx, {
    programId: c.programId,
    memberId: c.partnerMemberId,
    kind: decision === 'approved' ? 'commission_approved' : 'commission_rejected',
    params: { commissionId: c.id, amount: c.payoutAmount, currency: c.payoutCurrency, reason },
    dedupeKey: `commission_${decision}:${c.id}`,
  });
