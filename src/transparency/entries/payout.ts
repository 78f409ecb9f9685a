import { z } from 'zod';
import type { LogEntryInput } from './append.js';
import { Currency, iso, IsoTime, MinorUnits } from './fields.js';

/**
 * Payout entries: money leaving the program for an affiliate. `payout.paid` names every commission
 * it settles (each also gets its own `commission.paid`), so an affiliate can add up their paid
 * commissions and match the payout amount; `payout.failed` and `payout.reversed` show a payout that
 * did not reach them, and why. No bank details, no manual references: only Stripe's transfer id.
 */

const base = {
  v: z.literal(1),
  payoutId: z.string(),
  runId: z.string(),
  programId: z.string(),
  partnerMemberId: z.string(),
  currency: Currency,
  /** The payout amount: its commissions' net payout amounts, clawbacks included. */
  amount: MinorUnits,
  method: z.enum(['stripe', 'manual']),
  transferId: z.string().nullable(),
  at: IsoTime,
};

export const PayoutPaidEntry = z
  .object({ type: z.literal('payout.paid'), ...base, commissionIds: z.array(z.string()) })
  .strict();

/** Retries gave up (or Stripe refused for good): nothing was paid; the commissions wait for the next run. */
export const PayoutFailedEntry = z
  .object({ type: z.literal('payout.failed'), ...base, failureCode: z.string() })
  .strict();

/** Stripe reversed the transfer (`transfer.reversed`); in full, its commissions are owed again. */
export const PayoutReversedEntry = z
  .object({ type: z.literal('payout.reversed'), ...base, reversedAmount: MinorUnits, full: z.boolean() })
  .strict();

export interface PayoutFacts {
  id: string;
  runId: string;
  programId: string;
  partnerMemberId: string;
  currency: string;
  amount: number;
  method: 'stripe' | 'manual';
  stripeTransferId: string | null;
}

export type PayoutChange =
  | { type: 'payout.paid'; commissionIds: readonly string[] }
  | { type: 'payout.failed'; failureCode: string }
  | { type: 'payout.reversed'; reversedAmount: number; full: boolean };

/** The log entry for a payout's change; `commissionIds` are sorted so the entry does not depend on query order. */
export function payoutEntry(p: PayoutFacts, change: PayoutChange, at: Date, tenantId: string): LogEntryInput {
  const extra =
    change.type === 'payout.paid'
      ? { commissionIds: [...change.commissionIds].sort() }
      : change.type === 'payout.failed'
        ? { failureCode: change.failureCode }
        : { reversedAmount: change.reversedAmount, full: change.full };
  return {
    type: change.type,
    v: 1,
    tenantId,
    programId: p.programId,
    partnerMemberId: p.partnerMemberId,
    body: {
      payoutId: p.id,
      runId: p.runId,
      programId: p.programId,
      partnerMemberId: p.partnerMemberId,
      currency: p.currency,
      amount: p.amount,
      method: p.method,
      transferId: p.stripeTransferId,
      at: iso(at),
      ...extra,
    },
  };
}
