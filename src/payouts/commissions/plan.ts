import { newId } from '../../../db/ids.js';
import { DAY_MS } from '../../core/points/calculations.js';
import type { Attribution, ConversionRow } from '../../tracking/conversions/types.js';
import type { FraudReason } from '../../tracking/fraud/rules.js';
import { refundReversal } from '../commission-math.js';
import type { PolicyVersionRow } from '../policies/in-force.js';
import type { Pricing } from './pricing.js';

/**
 * The commission a processed conversion creates, decided without the database: the policy version,
 * the partner's multiplier and the rates are looked up by the caller (one conversion at a time in
 * effects.ts, a whole batch at once in conversion processing).
 */

/** Why a commission waits for a manager: the fraud reason codes, or a missing FX rate. */
export type HoldReason = FraudReason | 'fx_rate_missing';

/** A commission row to insert (the columns processing sets; the rest take their defaults). */
export interface NewCommission {
  id: string;
  programId: string;
  conversionId: string;
  partnerMemberId: string;
  kind: 'signup' | 'sale';
  status: 'pending' | 'held';
  policyVersionId: string;
  country: string | null;
  amount: number;
  currency: string;
  reversedAmount: number;
  payoutCurrency: string;
  payoutAmount: number;
  payoutReversedAmount: number;
  fxRate: string;
  fxRateId: string | null;
  multiplierBps: number;
  holdUntil: Date | null;
  holdReasons: HoldReason[];
}

/** When a pending commission may be approved: a signup from when it happened, a sale from its completion. */
export function holdUntilFor(conversion: Pick<ConversionRow, 'kind' | 'occurredAt' | 'completedAt'>, holdDays: number): Date | null {
  const from = conversion.kind === 'signup' ? conversion.occurredAt : conversion.completedAt;
  return from ? new Date(from.getTime() + holdDays * DAY_MS) : null;
}

/** How much of a commission (and of its payout amount) refunds totalling `refunded` take back. */
export function reversedFor(priced: { amount: number; payoutAmount: number }, saleAmount: number | null, refunded: number) {
  if (!saleAmount || refunded <= 0) return { reversedAmount: 0, payoutReversedAmount: 0 };
  return {
    reversedAmount: refundReversal(priced.amount, saleAmount, 0, refunded),
    payoutReversedAmount: refundReversal(priced.payoutAmount, saleAmount, 0, refunded),
  };
}

/** Whether a conversion may owe a commission at all: it credits a partner and is not cancelled or fully refunded. */
export function mayOweCommission(conversion: Pick<ConversionRow, 'status'>, attribution: Pick<Attribution, 'partnerMemberId'>): boolean {
  return attribution.partnerMemberId !== null && conversion.status !== 'cancelled' && conversion.status !== 'refunded';
}

/**
 * The commission of a conversion priced under `version`: `held` with the fraud reasons (and
 * `fx_rate_missing` when a rate was missing), else `pending`. Refunds recorded before processing
 * are honoured: the commission starts with them reversed. Null when nothing is owed.
 */
export function plannedCommission(input: {
  conversion: ConversionRow;
  attribution: Pick<Attribution, 'partnerMemberId' | 'marketCountry'>;
  fraudReasons: readonly FraudReason[];
  version: PolicyVersionRow;
  payoutCurrency: string;
  multiplierBps: number;
  pricing: Pricing;
}): NewCommission | null {
  const { conversion, attribution, version, pricing } = input;
  if (!pricing || !mayOweCommission(conversion, attribution)) return null;
  const priced = pricing.outcome === 'priced' ? pricing : { ...pricing, payoutAmount: 0, fxRate: '0', fxRateId: null };
  const holdReasons: HoldReason[] = pricing.outcome === 'fx_missing' ? [...input.fraudReasons, 'fx_rate_missing'] : [...input.fraudReasons];
  return {
    id: newId('com'),
    programId: conversion.programId,
    conversionId: conversion.id,
    partnerMemberId: attribution.partnerMemberId!,
    kind: conversion.kind,
    status: holdReasons.length ? 'held' : 'pending',
    policyVersionId: version.id,
    country: attribution.marketCountry ?? version.country,
    amount: priced.amount,
    currency: priced.currency,
    payoutCurrency: input.payoutCurrency,
    payoutAmount: priced.payoutAmount,
    fxRate: priced.fxRate,
    fxRateId: priced.fxRateId,
    ...reversedFor(priced, conversion.amount, conversion.refundedAmount),
    multiplierBps: input.multiplierBps,
    holdUntil: holdUntilFor(conversion, version.holdDays),
    holdReasons,
  };
}
