import type Stripe from 'stripe';
import type { payoutAccounts } from '../../../db/schema/index.js';

export type PayoutAccountRow = typeof payoutAccounts.$inferSelect;
export type PayoutAccountStatus = PayoutAccountRow['status'];

/** The columns of `payout_accounts` that mirror Stripe's account object. */
export interface PayoutAccountState {
  status: PayoutAccountStatus;
  detailsSubmitted: boolean;
  payoutsEnabled: boolean;
  requirementsDue: string[];
  disabledReason: string | null;
  country: string | null;
  defaultCurrency: string | null;
}

/**
 * Our reading of a Stripe account, used by the refresh call and by `account.updated` alike:
 * - `disabled`: Stripe rejected it (`rejected.*`), nothing more can be done;
 * - `enabled`: it can receive transfers and pay out to the bank, so payout runs pay it;
 * - `onboarding`: the affiliate has not finished the form, or Stripe is still verifying;
 * - `restricted`: it was set up, but Stripe now wants something (`requirements.past_due`, ...).
 */
export function payoutAccountStateOf(account: Pick<Stripe.Account, 'payouts_enabled' | 'details_submitted' | 'requirements' | 'capabilities' | 'country' | 'default_currency'>): PayoutAccountState {
  const disabledReason = account.requirements?.disabled_reason ?? null;
  // An account without the transfers capability cannot be paid, whatever its bank payouts say.
  const transfers = account.capabilities?.transfers ?? 'inactive';
  const payoutsEnabled = account.payouts_enabled === true;
  const detailsSubmitted = account.details_submitted === true;
  let status: PayoutAccountStatus;
  if (disabledReason?.startsWith('rejected.')) status = 'disabled';
  else if (payoutsEnabled && transfers === 'active') status = 'enabled';
  else if (!detailsSubmitted) status = 'onboarding';
  else if (disabledReason || transfers === 'inactive') status = 'restricted';
  else status = 'onboarding';
  return {
    status,
    detailsSubmitted,
    payoutsEnabled,
    requirementsDue: [...new Set([...(account.requirements?.past_due ?? []), ...(account.requirements?.currently_due ?? [])])].sort(),
    disabledReason,
    country: account.country ? account.country.toUpperCase().slice(0, 2) : null,
    defaultCurrency: account.default_currency ? account.default_currency.toUpperCase().slice(0, 3) : null,
  };
}
