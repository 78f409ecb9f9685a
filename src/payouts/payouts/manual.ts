import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { payouts } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { actorId } from '../../core/auth/actor.js';
import { loadProgramInScope } from '../../core/auth/scope.js';
import { parseInput } from '../../core/validation.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { assertAdmin } from './runs.js';
import { itemsOf, settlePayout } from './settle.js';
import { payoutView, type PayoutView } from './views.js';

export const MarkPaidInputSchema = z.strictObject({
  /** The bank transfer or payment reference the admin paid it with. */
  reference: z.string().trim().min(1).max(200),
});
export type MarkPaidInput = z.input<typeof MarkPaidInputSchema>;

/**
 * Manual mode: an admin paid the affiliate outside Trellis and records it with the payment's
 * reference. Settles exactly like a Stripe transfer (settle.ts). Replaying with the same reference
 * returns the payout; another reference, or a payout Stripe pays, is a conflict.
 */
export async function markPayoutPaid(ctx: ServiceContext, programId: string, payoutId: string, raw: MarkPaidInput): Promise<PayoutView> {
  assertAdmin(ctx.actor);
  const input = parseInput(MarkPaidInputSchema, raw);
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    const [payout] = await tx.db.select().from(payouts).where(and(eq(payouts.id, payoutId), eq(payouts.programId, program.id))).for('update');
    if (!payout) throw new NotFoundError('Payout', payoutId);
    if (payout.method !== 'manual') throw new ConflictError('This payout is paid through Stripe; it cannot be marked paid by hand.', 'conflict', { reason: 'stripe_payout' });
    if (payout.status === 'paid') {
      if (payout.manualReference === input.reference) return payoutView(payout, tx.actor, await itemsOf(tx, payout.id));
      throw new ConflictError('This payout was already marked paid with another reference.', 'conflict', { reason: 'already_paid', manualReference: payout.manualReference });
    }
    if (payout.status !== 'pending' && payout.status !== 'processing') {
      throw new ConflictError(`This payout is ${payout.status}; it cannot be marked paid.`, 'conflict', { reason: 'not_payable', status: payout.status });
    }
    const paid = await settlePayout(tx, payout.id, { manualReference: input.reference, paidBy: actorId(tx.actor) });
    return payoutView(paid, tx.actor, await itemsOf(tx, paid.id));
  });
}
