import { divRound, minor, toSafeNumber } from './money.js';

/**
 * Commission maths (issue 4), pure and integer-only: no I/O, no floats for money. Every amount is
 * computed exactly in BigInt and rounded once, half away from zero, to the minor unit.
 */

export type CommissionModeName = 'per_signup' | 'per_transaction';

/** The terms of one policy version (db/schema/commissions.ts commission_policy_versions). */
export interface PolicyTerms {
  mode: CommissionModeName;
  /** The market's currency: signupAmount, flatAmount, minAmount and maxAmount are minor units of it. */
  currency: string;
  signupAmount: number | null;
  percentBps: number | null;
  flatAmount: number;
  minAmount: number | null;
  maxAmount: number | null;
  holdDays: number;
  attributionWindowDays: number;
  switchToPerTransactionAt: Date | null;
}

export interface ConversionForCommission {
  kind: 'signup' | 'sale';
  /** Sales: minor units of `currency`. */
  amount: number | null;
  currency: string | null;
  occurredAt: Date;
}

/** Converts minor units between currencies (FX looked up beforehand; see src/payouts/fx.ts). */
export type MinorConverter = (amount: number, from: string, to: string) => number;

export interface CommissionAmount {
  /** Minor units of `currency`: the sale's currency for sales, the policy's for signups. */
  amount: number;
  currency: string;
  /** The mode that applied (a per_signup version past its switch date pays per_transaction). */
  mode: CommissionModeName;
}

const BPS = 10_000n;

/** The mode in force at `at`: per_signup turns per_transaction from switchToPerTransactionAt on. */
export function effectiveMode(terms: PolicyTerms, at: Date): CommissionModeName {
  if (terms.mode === 'per_signup' && terms.switchToPerTransactionAt && at.getTime() >= terms.switchToPerTransactionAt.getTime()) {
    return 'per_transaction';
  }
  return terms.mode;
}

/**
 * What one conversion earns under `terms`, with the partner's tier multiplier on top; null when
 * the conversion earns nothing in the mode in force (a sale in a per_signup market, a signup in a
 * per_transaction one). `convert` turns the policy's flat/min/max into the sale's currency.
 *
 * per_transaction: clamp(amount x percentBps / 10000 + flat, min, max) x multiplierBps / 10000.
 * The multiplier applies after the caps (a better tier may earn past the market's max), and the
 * whole chain is kept exact (scaled by 10000^2) so it is rounded once, not at every step.
 */
export function commissionFor(terms: PolicyTerms, conversion: ConversionForCommission, multiplierBps: number, convert: MinorConverter): CommissionAmount | null {
  if (!Number.isSafeInteger(multiplierBps) || multiplierBps < 0) throw new RangeError(`multiplierBps must be a non-negative integer, got ${multiplierBps}`);
  const multiplier = BigInt(multiplierBps);
  const mode = effectiveMode(terms, conversion.occurredAt);

  if (mode === 'per_signup') {
    if (conversion.kind !== 'signup') return null;
    if (terms.signupAmount === null) throw new RangeError('per_signup terms without a signupAmount');
    const amount = divRound(minor(terms.signupAmount, 'signupAmount') * multiplier, BPS);
    return { amount: toSafeNumber(amount, 'commission'), currency: terms.currency, mode };
  }

  if (conversion.kind !== 'sale') return null;
  if (terms.percentBps === null) throw new RangeError('per_transaction terms without percentBps');
  if (conversion.amount === null || conversion.currency === null) throw new RangeError('a sale needs an amount and a currency');
  const saleCurrency = conversion.currency;
  // The policy's own amounts are in the market currency; the commission is in the sale's. Only
  // amounts that matter are converted, so a missing rate is asked for only when it is needed.
  const inSaleCurrency = (value: number, what: string): bigint =>
    value === 0 || terms.currency === saleCurrency ? minor(value, what) : minor(convert(value, terms.currency, saleCurrency), what);

  let scaled = minor(conversion.amount, 'sale amount') * BigInt(terms.percentBps) + inSaleCurrency(terms.flatAmount, 'flatAmount') * BPS;
  if (terms.minAmount !== null) {
    const floor = inSaleCurrency(terms.minAmount, 'minAmount') * BPS;
    if (scaled < floor) scaled = floor;
  }
  if (terms.maxAmount !== null) {
    const ceiling = inSaleCurrency(terms.maxAmount, 'maxAmount') * BPS;
    if (scaled > ceiling) scaled = ceiling;
  }
  const amount = divRound(scaled * multiplier, BPS * BPS);
  return { amount: toSafeNumber(amount, 'commission'), currency: saleCurrency, mode };
}

/**
 * How much of a commission a refund takes back, pro rata and cumulative so that partial refunds
 * adding up to the whole sale take back exactly the whole commission: each call returns
 * share(before + now) - share(before), where share(r) = round(commission x r / sale).
 */
export function refundReversal(commissionAmount: number, saleAmount: number, refundedBefore: number, refundNow: number): number {
  const commission = minor(commissionAmount, 'commissionAmount');
  const sale = minor(saleAmount, 'saleAmount');
  const before = minor(refundedBefore, 'refundedBefore');
  const now = minor(refundNow, 'refundNow');
  if (sale <= 0n) throw new RangeError('saleAmount must be positive');
  if (before < 0n || now < 0n) throw new RangeError('refunded amounts must not be negative');
  if (before + now > sale) throw new RangeError(`refunds (${before + now}) exceed the sale (${sale})`);
  const share = (refunded: bigint) => divRound(commission * refunded, sale);
  return toSafeNumber(share(before + now) - share(before), 'reversal');
}
