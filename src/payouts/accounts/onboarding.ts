import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../../../db/client.js';
import { affiliateProfiles, payoutAccounts } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { loadMemberInScope, type Member, type Program } from '../../core/auth/scope.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { callStripe, manualModeError } from '../stripe/errors.js';
import { payoutAccountStateOf, type PayoutAccountRow } from './state.js';
import { payoutAccountView, type PayoutAccountView } from './views.js';

/**
 * Stripe Connect onboarding: the affiliate gets an Express account (made once, whoever asks and
 * however often) and a fresh single-use link to Stripe's hosted form, which sends them back to
 * `returnUrl` when done or to `refreshUrl` when the link has expired.
 */

export interface OnboardingInput {
  returnUrl: string;
  refreshUrl: string;
}

export interface Onboarding {
  account: PayoutAccountView;
  onboardingUrl: string;
  expiresAt: string;
}

export async function payoutAccountOf(db: Db, memberId: string): Promise<PayoutAccountRow | undefined> {
  const [row] = await db.select().from(payoutAccounts).where(eq(payoutAccounts.memberId, memberId));
  return row;
}

/** The member, if the actor may see it and it is an affiliate allowed to be paid. */
export async function loadPayableAffiliate(ctx: ServiceContext, programId: string, memberId: string): Promise<{ program: Program; member: Member }> {
  const scoped = await loadMemberInScope(ctx, programId, memberId);
  const [profile] = await ctx.db.select({ status: affiliateProfiles.status }).from(affiliateProfiles).where(eq(affiliateProfiles.memberId, scoped.member.id));
  if (!profile) throw new NotFoundError('Affiliate', memberId);
  if (profile.status === 'rejected' || profile.status === 'banned') throw new ForbiddenError(`A ${profile.status} affiliate cannot connect a payout account.`);
  return scoped;
}

export async function startOnboarding(ctx: ServiceContext, stripe: Stripe | null, programId: string, memberId: string, input: OnboardingInput): Promise<Onboarding> {
  const { program, member } = await loadPayableAffiliate(ctx, programId, memberId);
  if (!stripe) throw manualModeError();
  const row = (await payoutAccountOf(ctx.db, member.id)) ?? (await connectAccount(ctx, stripe, program, member));
  const link = await callStripe(() =>
    stripe.accountLinks.create({ account: row.stripeAccountId, refresh_url: input.refreshUrl, return_url: input.returnUrl, type: 'account_onboarding' }),
  );
  return { account: payoutAccountView(row), onboardingUrl: link.url, expiresAt: new Date(link.expires_at * 1000).toISOString() };
}

/**
 * Creates the affiliate's Express account and its row. The idempotency key is the member's, so
 * two racing requests (or a retry after a crash between Stripe and our insert, within Stripe's
 * 24 hours) get the same account; the unique member constraint keeps one row.
 */
async function connectAccount(ctx: ServiceContext, stripe: Stripe, program: Program, member: Member): Promise<PayoutAccountRow> {
  const account = await callStripe(() =>
    stripe.accounts.create(
      {
        type: 'express',
        ...(member.country && /^[A-Z]{2}$/.test(member.country) ? { country: member.country } : {}),
        ...(member.email ? { email: member.email } : {}),
        capabilities: { transfers: { requested: true } },
        metadata: { programId: program.id, memberId: member.id },
      },
      { idempotencyKey: `trellis-connect-${member.id}` },
    ),
  );
  return await withTransaction(ctx, async (tx) => {
    const now = tx.clock();
    const [inserted] = await tx.db
      .insert(payoutAccounts)
      .values({ programId: program.id, memberId: member.id, stripeAccountId: account.id, ...payoutAccountStateOf(account), stripeUpdatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      const existing = await payoutAccountOf(tx.db, member.id);
      if (!existing) throw new ConflictError(`Stripe account ${account.id} is already connected to another member.`);
      return existing;
    }
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'payout_account.created',
      entityType: 'payout_account',
      entityId: inserted.id,
      after: { memberId: member.id, stripeAccountId: account.id, status: inserted.status },
    });
    return inserted;
  });
}
