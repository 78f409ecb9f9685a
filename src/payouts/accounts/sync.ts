import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { payoutAccounts } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { tenantOfProgram } from '../../transparency/entries/program-tenant.js';
import { payoutAccountStateOf, type PayoutAccountRow } from './state.js';

/**
 * Keeping `payout_accounts` current from Stripe's webhooks. Events arrive late, twice and out of
 * order: `stripe_updated_at` holds the time of the newest state applied, and an event older than
 * it changes nothing (unless it carries a fresh read of the account, which is newer by definition).
 */

export type SyncOutcome = 'updated' | 'stale' | 'unknown_account';

async function lockAccount(ctx: ServiceContext, stripeAccountId: string): Promise<PayoutAccountRow | undefined> {
  const [row] = await ctx.db.select().from(payoutAccounts).where(eq(payoutAccounts.stripeAccountId, stripeAccountId)).for('update');
  return row;
}

const isOlder = (row: PayoutAccountRow, at: Date) => row.stripeUpdatedAt !== null && at.getTime() < row.stripeUpdatedAt.getTime();
const newest = (row: PayoutAccountRow, at: Date) => (row.stripeUpdatedAt && row.stripeUpdatedAt.getTime() > at.getTime() ? row.stripeUpdatedAt : at);

/**
 * Applies an account object: from `account.updated` as of `observedAt` (the event's time), or
 * re-read from Stripe (`fresh`), which always applies. Status changes are audited.
 */
export async function applyStripeAccount(ctx: ServiceContext, account: Stripe.Account, observedAt: Date, opts: { fresh: boolean }): Promise<SyncOutcome> {
  return await withTransaction(ctx, async (tx) => {
    const row = await lockAccount(tx, account.id);
    if (!row) return 'unknown_account';
    if (!opts.fresh && isOlder(row, observedAt)) return 'stale';
    const state = payoutAccountStateOf(account);
    const [after] = await tx.db
      .update(payoutAccounts)
      .set({ ...state, stripeUpdatedAt: newest(row, observedAt), updatedAt: tx.clock() })
      .where(eq(payoutAccounts.id, row.id))
      .returning();
    if (after!.status !== row.status) {
      await recordAudit(tx, {
        tenantId: await tenantOfProgram(tx.db, row.programId),
        programId: row.programId,
        action: 'payout_account.status_changed',
        entityType: 'payout_account',
        entityId: row.id,
        before: { status: row.status },
        after: { status: after!.status, disabledReason: after!.disabledReason, requirementsDue: after!.requirementsDue },
      });
    }
    return 'updated';
  });
}

/**
 * `payout.failed` / `payout.paid` on a connected account: Stripe's payout from the affiliate's
 * Stripe balance to their bank. A failure is kept for the affiliate and the admin to see (wrong
 * IBAN, closed account...); a later successful payout clears it.
 */
export async function applyBankPayout(
  ctx: ServiceContext,
  stripeAccountId: string,
  payout: Pick<Stripe.Payout, 'id' | 'status' | 'failure_code' | 'failure_message'>,
  at: Date,
  outcome: 'failed' | 'paid',
): Promise<SyncOutcome> {
  return await withTransaction(ctx, async (tx) => {
    const row = await lockAccount(tx, stripeAccountId);
    if (!row) return 'unknown_account';
    const failure = row.bankPayoutFailure;
    if (outcome === 'paid') {
      // Only a payout after the failure shows the bank details work again.
      if (!failure || new Date(failure.at).getTime() > at.getTime()) return 'stale';
      await tx.db.update(payoutAccounts).set({ bankPayoutFailure: null, updatedAt: tx.clock() }).where(eq(payoutAccounts.id, row.id));
      return 'updated';
    }
    if (failure && new Date(failure.at).getTime() > at.getTime()) return 'stale';
    const next = { stripePayoutId: payout.id, code: payout.failure_code ?? null, message: payout.failure_message ?? null, at: at.toISOString() };
    await tx.db.update(payoutAccounts).set({ bankPayoutFailure: next, updatedAt: tx.clock() }).where(eq(payoutAccounts.id, row.id));
    await recordAudit(tx, {
      tenantId: await tenantOfProgram(tx.db, row.programId),
      programId: row.programId,
      action: 'payout_account.bank_payout_failed',
      entityType: 'payout_account',
      entityId: row.id,
      after: next,
    });
    return 'updated';
  });
}
