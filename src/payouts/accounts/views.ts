import type { PayoutAccountRow } from './state.js';

/** What the affiliate and the program's staff see of a connected Stripe account. */
export interface PayoutAccountView {
  id: string;
  programId: string;
  memberId: string;
  stripeAccountId: string;
  status: PayoutAccountRow['status'];
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirementsDue: string[];
  disabledReason: string | null;
  country: string | null;
  defaultCurrency: string | null;
  bankPayoutFailure: { stripePayoutId: string; code: string | null; message: string | null; at: string } | null;
  createdAt: string;
  updatedAt: string;
}

export function payoutAccountView(row: PayoutAccountRow): PayoutAccountView {
  return {
    id: row.id,
    programId: row.programId,
    memberId: row.memberId,
    stripeAccountId: row.stripeAccountId,
    status: row.status,
    payoutsEnabled: row.payoutsEnabled,
    detailsSubmitted: row.detailsSubmitted,
    requirementsDue: row.requirementsDue,
    disabledReason: row.disabledReason,
    country: row.country,
    defaultCurrency: row.defaultCurrency,
    bankPayoutFailure: row.bankPayoutFailure ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
