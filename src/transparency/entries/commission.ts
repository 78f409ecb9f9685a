import { z } from 'zod';
import type { LogEntryInput } from './append.js';
import { Currency, DecimalText, iso, IsoTime, MinorUnits } from './fields.js';

/**
 * Commission entries: one per state change of a commission, each carrying the commission as it is
 * after the change (amounts in the sale's and in the payout currency, the FX rate between them,
 * the policy version that priced it) and a stable reason code. A partner can add up their entries
 * and get what they are owed; anyone can check that no commission changed unlogged.
 */

export const COMMISSION_CHANGES = ['created', 'released', 'approved', 'rejected', 'reversed', 'clawback', 'paid', 'unpaid'] as const;
export type CommissionChange = (typeof COMMISSION_CHANGES)[number];

export const COMMISSION_REASONS = [
  'conversion_processed',
  'manager_approved',
  'manager_rejected',
  'hold_period_over',
  'refund',
  'cancel',
  'payout_paid',
  'payout_reversed',
] as const;
export type CommissionReason = (typeof COMMISSION_REASONS)[number];

const base = {
  v: z.literal(1),
  commissionId: z.string(),
  conversionId: z.string(),
  programId: z.string(),
  partnerMemberId: z.string(),
  kind: z.enum(['signup', 'sale', 'clawback']),
  status: z.enum(['pending', 'held', 'approved', 'paid', 'reversed', 'rejected']),
  market: z.string().nullable(),
  amount: MinorUnits,
  reversedAmount: MinorUnits,
  currency: Currency,
  payoutAmount: MinorUnits,
  payoutReversedAmount: MinorUnits,
  payoutCurrency: Currency,
  /** currency -> payoutCurrency, exact decimal text without trailing zeros. */
  fxRate: DecimalText,
  policyVersionId: z.string().nullable(),
  multiplierBps: z.number().int(),
  holdReasons: z.array(z.string()),
  reason: z.enum(COMMISSION_REASONS),
  at: IsoTime,
};

const entry = <T extends CommissionChange, X extends z.ZodRawShape>(change: T, extra: X) =>
  z.object({ type: z.literal(`commission.${change}` as const), ...base, ...extra }).strict();

export const CommissionCreatedEntry = entry('created', {});
/** A held commission a manager approved before its hold period ended: pending again. */
export const CommissionReleasedEntry = entry('released', {});
export const CommissionApprovedEntry = entry('approved', {});
export const CommissionRejectedEntry = entry('rejected', {});
/** A refund or cancellation before payment took (part of) it back; `status` is `reversed` when nothing is left. */
export const CommissionReversedEntry = entry('reversed', { reversedNow: MinorUnits, payoutReversedNow: MinorUnits });
/** A negative commission taking back part of a paid one (refund or cancellation after payment). */
export const CommissionClawbackEntry = entry('clawback', { clawbackOf: z.string() });
/** Settled by a payout that was paid (Stripe transfer succeeded, or an admin marked it paid). */
export const CommissionPaidEntry = entry('paid', { payoutId: z.string() });
/** Its payout's transfer was reversed in full: `approved` again, owed by the next payout. */
export const CommissionUnpaidEntry = entry('unpaid', { payoutId: z.string() });

/** The commission columns an entry shows (a row, or a row about to be inserted). */
export interface CommissionFacts {
  id: string;
  programId: string;
  conversionId: string;
  partnerMemberId: string;
  kind: 'signup' | 'sale' | 'clawback';
  status: 'pending' | 'held' | 'approved' | 'paid' | 'reversed' | 'rejected';
  country: string | null;
  amount: number;
  reversedAmount: number;
  currency: string;
  payoutAmount: number;
  payoutReversedAmount: number;
  payoutCurrency: string;
  fxRate: string;
  policyVersionId: string | null;
  multiplierBps: number;
  holdReasons: readonly string[];
  clawbackOf?: string | null;
}

/** numeric(20,10) comes back as '1.0000000000'; the entry shows the rate once, the same way every time. */
export function normalizeDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

export function commissionEntry(
  change: CommissionChange,
  c: CommissionFacts,
  at: Date,
  reason: CommissionReason,
  tenantId: string,
  extra: { reversedNow?: number; payoutReversedNow?: number; payoutId?: string } = {},
): LogEntryInput {
  return {
    type: `commission.${change}`,
    v: 1,
    tenantId,
    programId: c.programId,
    partnerMemberId: c.partnerMemberId,
    body: {
      commissionId: c.id,
      conversionId: c.conversionId,
      programId: c.programId,
      partnerMemberId: c.partnerMemberId,
      kind: c.kind,
      status: c.status,
      market: c.country,
      amount: c.amount,
      reversedAmount: c.reversedAmount,
      currency: c.currency,
      payoutAmount: c.payoutAmount,
      payoutReversedAmount: c.payoutReversedAmount,
      payoutCurrency: c.payoutCurrency,
      fxRate: normalizeDecimal(c.fxRate),
      policyVersionId: c.policyVersionId,
      multiplierBps: c.multiplierBps,
      holdReasons: [...c.holdReasons],
      reason,
      at: iso(at),
      ...(change === 'reversed' ? { reversedNow: extra.reversedNow ?? 0, payoutReversedNow: extra.payoutReversedNow ?? 0 } : {}),
      ...(change === 'clawback' ? { clawbackOf: c.clawbackOf! } : {}),
      ...(change === 'paid' || change === 'unpaid' ? { payoutId: extra.payoutId! } : {}),
    },
  };
}
