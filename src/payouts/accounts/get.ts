import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { payoutAccounts } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { loadMemberInScope } from '../../core/auth/scope.js';
import { NotFoundError } from '../../errors.js';
import { callStripe, manualModeError } from '../stripe/errors.js';
import { payoutAccountOf } from './onboarding.js';
import { payoutAccountStateOf } from './state.js';
import { payoutAccountView, type PayoutAccountView } from './views.js';

/** The affiliate's connected account as we last heard of it; not found when none is connected. */
export async function getPayoutAccount(ctx: ServiceContext, programId: string, memberId: string): Promise<PayoutAccountView> {
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const row = await payoutAccountOf(ctx.db, member.id);
  if (!row) throw new NotFoundError('Payout account', memberId);
  return payoutAccountView(row);
}

/**
 * Reads the account from Stripe now and stores what it says: what the page behind the return URL
 * calls, so the affiliate sees the result of onboarding without waiting for the webhook.
 */
export async function refreshPayoutAccount(ctx: ServiceContext, stripe: Stripe | null, programId: string, memberId: string): Promise<PayoutAccountView> {
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  if (!stripe) throw manualModeError();
  const row = await payoutAccountOf(ctx.db, member.id);
  if (!row) throw new NotFoundError('Payout account', memberId);
  const account = await callStripe(() => stripe.accounts.retrieve(row.stripeAccountId));
  const now = ctx.clock();
  // A fresh read is newer than any event already applied; later events older than it are skipped.
  const [updated] = await ctx.db
    .update(payoutAccounts)
    .set({ ...payoutAccountStateOf(account), stripeUpdatedAt: sql`greatest(${payoutAccounts.stripeUpdatedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
    .where(eq(payoutAccounts.id, row.id))
    .returning();
  return payoutAccountView(updated!);
}
