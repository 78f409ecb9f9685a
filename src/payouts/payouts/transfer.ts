import { UnrecoverableError } from 'bullmq';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { payouts } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import type { JobConfig } from '../../jobs/types.js';
import { stripeClient } from '../stripe/client.js';
import { failPayout, settlePayout, type PayoutRow } from './settle.js';

/**
 * Sends one Stripe payout to the affiliate's connected account and settles it. Crash-safe in
 * both directions: before creating a transfer it looks for one it made earlier (the transfer
 * group is the payout id, the metadata names it), and the create call carries the payout's
 * deterministic idempotency key, so a run that died between Stripe and the database and is run
 * again adopts the transfer instead of making a second one.
 */

export interface TransferOptions {
  config: JobConfig | undefined;
  /** This attempt and the job's last: the last transient failure is recorded on the payout. */
  attempt?: number;
  maxAttempts?: number;
  /** Test hook: runs between the Stripe call and the settlement (a test crashes here). */
  afterTransfer?: () => Promise<void> | void;
}

export type TransferOutcome = 'paid' | 'skipped';

interface StripeLikeError {
  type?: string;
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * Stripe refusing for good: a 4xx that is not rate limiting (429), a conflicting concurrent
 * request (409) or a lock timeout. Everything else (network, 5xx) may pass on a retry.
 */
export function isPermanentStripeError(err: unknown): boolean {
  const e = err as StripeLikeError;
  if (typeof e?.statusCode !== 'number') return false;
  if (e.statusCode < 400 || e.statusCode >= 500) return false;
  return e.statusCode !== 429 && e.statusCode !== 409 && e.code !== 'lock_timeout';
}

/** A stable code for the payout's failure: Stripe's code, else what kind of failure it was. */
export function failureCodeOf(err: unknown): string {
  const e = err as StripeLikeError;
  if (e?.code) return e.code;
  if (e?.type === 'StripeConnectionError') return 'network_error';
  if (typeof e?.statusCode === 'number') return e.statusCode === 429 ? 'rate_limited' : e.statusCode >= 500 ? 'stripe_unavailable' : 'stripe_request_failed';
  return 'transfer_failed';
}

async function findOwnTransfer(stripe: Stripe, payout: PayoutRow): Promise<Stripe.Transfer | undefined> {
  const list = await stripe.transfers.list({ transfer_group: payout.id, limit: 100 });
  return list.data.find((t) => t.metadata?.payoutId === payout.id);
}

export async function transferPayout(ctx: ServiceContext, payoutId: string, opts: TransferOptions): Promise<TransferOutcome> {
  const now = ctx.clock();
  // Claim an attempt; a payout settled meanwhile (paid, failed, reversed) matches nothing.
  const [payout] = await ctx.db
    .update(payouts)
    .set({ status: 'processing', attempts: sql`${payouts.attempts} + 1`, lastAttemptAt: now, updatedAt: now })
    .where(and(eq(payouts.id, payoutId), eq(payouts.method, 'stripe'), inArray(payouts.status, ['pending', 'processing'])))
    .returning();
  if (!payout) return 'skipped';
  const stripe = stripeClient(opts.config);
  // A Stripe payout with Stripe switched off waits (the schedule resumes it once keys are back).
  if (!stripe) throw new Error('STRIPE_SECRET_KEY is not configured; the Stripe payout waits');
  if (!payout.stripeAccountId) throw new UnrecoverableError(`payout ${payout.id} has no connected account`);

  let transfer: Stripe.Transfer;
  try {
    transfer =
      (await findOwnTransfer(stripe, payout)) ??
      (await stripe.transfers.create(
        {
          amount: payout.amount,
          currency: payout.currency.toLowerCase(),
          destination: payout.stripeAccountId,
          transfer_group: payout.id,
          metadata: { payoutId: payout.id, runId: payout.runId, programId: payout.programId, partnerMemberId: payout.partnerMemberId },
        },
        { idempotencyKey: payout.idempotencyKey },
      ));
  } catch (err) {
    const message = (err as StripeLikeError)?.message ?? String(err);
    if (isPermanentStripeError(err)) {
      // Stripe refused: no transfer exists, so the commissions can safely go back to the pool.
      await failPayout(ctx, payout.id, { code: failureCodeOf(err), message });
      ctx.logger.warn({ payoutId: payout.id, err }, 'payout failed');
      throw new UnrecoverableError(`payout ${payout.id}: ${message}`);
    }
    if ((opts.attempt ?? 1) >= (opts.maxAttempts ?? 1)) {
      // The answer may be what was lost, not the transfer: look once more.
      const made = await findOwnTransfer(stripe, payout).catch(() => undefined);
      if (made) {
        await settlePayout(ctx, payout.id, { transferId: made.id });
        return 'paid';
      }
      // Stripe may still have made it. Releasing the commissions now could pay them twice (the
      // next run's payout has another idempotency key), so the payout keeps them and shows why it
      // is stuck; the schedule (or an admin's resume) tries again, looking for the transfer first.
      await recordTransferTrouble(ctx, payout.id, { code: failureCodeOf(err), message });
      ctx.logger.warn({ payoutId: payout.id, err }, 'payout transfer retries spent; it waits for the schedule or a resume');
    }
    throw err;
  }
  await opts.afterTransfer?.();
  await settlePayout(ctx, payout.id, { transferId: transfer.id });
  return 'paid';
}

/** The reason an open payout has not gone through yet, for the admin and the affiliate to see; it stays open. */
async function recordTransferTrouble(ctx: ServiceContext, payoutId: string, failure: { code: string; message: string }): Promise<void> {
  await ctx.db
    .update(payouts)
    .set({ failureCode: failure.code.slice(0, 200), failureMessage: failure.message.slice(0, 1000), updatedAt: ctx.clock() })
    .where(and(eq(payouts.id, payoutId), inArray(payouts.status, ['pending', 'processing'])));
}
