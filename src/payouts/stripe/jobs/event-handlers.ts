import type Stripe from 'stripe';
import type { ServiceContext } from '../../../context.js';
import { applyBankPayout, applyStripeAccount } from '../../accounts/sync.js';
import { applyTransferReversal } from '../../payouts/reversal.js';

/**
 * What each Stripe event type does. `fetch` runs before the transaction (network: re-reading the
 * object from Stripe when configured, so the newest state wins whatever order events arrive in);
 * `apply` runs inside the transaction that marks the event processed. The outcome is kept on the
 * event row when it was ignored ('ignored: ...').
 */
export interface StripeEventHandler<P = unknown> {
  fetch?(stripe: Stripe | null, event: Stripe.Event): Promise<P>;
  apply(tx: ServiceContext, event: Stripe.Event, fetched: P): Promise<string>;
}

const eventTime = (event: Stripe.Event) => new Date(event.created * 1000);

const accountUpdated: StripeEventHandler<Stripe.Account | null> = {
  async fetch(stripe, event) {
    const account = event.data.object as Stripe.Account;
    return stripe ? await stripe.accounts.retrieve(account.id) : null;
  },
  async apply(tx, event, fresh) {
    const account = fresh ?? (event.data.object as Stripe.Account);
    return await applyStripeAccount(tx, account, eventTime(event), { fresh: fresh !== null });
  },
};

/** `transfer.reversed`, and the legacy `transfer.failed` (a transfer that failed after being made: all of it came back). */
const transferReversed = (legacyFailed: boolean): StripeEventHandler<Stripe.Transfer | null> => ({
  async fetch(stripe, event) {
    const transfer = event.data.object as Stripe.Transfer;
    return stripe && !legacyFailed ? await stripe.transfers.retrieve(transfer.id) : null;
  },
  async apply(tx, event, fresh) {
    const transfer = fresh ?? (event.data.object as Stripe.Transfer);
    const amountReversed = legacyFailed ? transfer.amount : transfer.amount_reversed;
    return await applyTransferReversal(tx, { transferId: transfer.id, payoutId: transfer.metadata?.payoutId ?? null, amountReversed });
  },
});

/** `payout.failed` / `payout.paid` are Connect events: the connected account is `event.account`. */
const bankPayout = (outcome: 'failed' | 'paid'): StripeEventHandler => ({
  async apply(tx, event) {
    if (!event.account) return 'no_account';
    return await applyBankPayout(tx, event.account, event.data.object as Stripe.Payout, eventTime(event), outcome);
  },
});

export const stripeEventHandlers: Record<string, StripeEventHandler<any>> = {
  'account.updated': accountUpdated,
  'transfer.reversed': transferReversed(false),
  'transfer.failed': transferReversed(true),
  'payout.failed': bankPayout('failed'),
  'payout.paid': bankPayout('paid'),
};

/** Outcomes that did what the event asked; any other is recorded on the event as ignored. */
export const APPLIED_OUTCOMES = new Set(['updated', 'reversed', 'partially_reversed', 'unchanged', 'stale']);
