import type { FieldIssue } from '../../errors.js';
import { convertMinor } from '../fx.js';
import { currencyDigits } from '../money.js';

/**
 * Upper bounds on what a commission policy version may pay (issue 16): a signup bounty of
 * R$ 21,474,836.47 with no hold is a typo or an attack, so terms above the bound of their market
 * are refused (400, `too_big` with `limit`) unless an admin raised the bound. The bounds live with
 * the market (markets.commission_max_*, in minor units of the market's currency); unset, they are
 * the defaults of that currency below.
 */
export interface CommissionBounds {
  /** per_signup: the most one signup may pay. */
  maxSignupAmount: number;
  /** per_transaction: the most the flat part, and the minimum, of one sale may be. */
  maxSaleAmount: number;
  /** per_transaction: the largest share of a sale, in basis points. */
  maxPercentBps: number;
}

/** Half of each sale: past it a partner earns more than the merchant keeps. */
export const DEFAULT_MAX_PERCENT_BPS = 5_000;

/**
 * The default bounds of a currency: 1,000 major units per signup and per sale (1,000.00 EUR,
 * 1,000.000 BHD), scaled by the currency's minor digits so no currency is bounded 100 times too
 * tight or too loose. Currencies without minor units are the ones whose unit is worth least
 * (JPY, KRW, CLP, VND...): 100,000 units there (100,000 JPY).
 */
export function defaultCommissionBounds(currency: string): CommissionBounds {
  const digits = currencyDigits(currency);
  const amount = digits === 0 ? 100_000 : 1_000 * 10 ** digits;
  return { maxSignupAmount: amount, maxSaleAmount: amount, maxPercentBps: DEFAULT_MAX_PERCENT_BPS };
}

/** What a market's stored bounds (null: not set by an admin) come to. */
export interface StoredCommissionBounds {
  currency: string;
  commissionMaxSignupAmount: number | null;
  commissionMaxSaleAmount: number | null;
  commissionMaxPercentBps: number | null;
}

export function commissionBoundsOf(market: StoredCommissionBounds): CommissionBounds & { setByAdmin: boolean } {
  const defaults = defaultCommissionBounds(market.currency);
  return {
    maxSignupAmount: market.commissionMaxSignupAmount ?? defaults.maxSignupAmount,
    maxSaleAmount: market.commissionMaxSaleAmount ?? defaults.maxSaleAmount,
    maxPercentBps: market.commissionMaxPercentBps ?? defaults.maxPercentBps,
    setByAdmin: market.commissionMaxSignupAmount !== null || market.commissionMaxSaleAmount !== null || market.commissionMaxPercentBps !== null,
  };
}

/** The amounts of a version's terms that pay out (`maxAmount` is a cap: it only ever lowers a commission). */
export interface BoundedTerms {
  currency: string;
  signupAmount: number | null;
  percentBps: number | null;
  flatAmount: number;
  minAmount: number | null;
}

/**
 * The terms' amounts above `bounds` (given in `boundsCurrency`), one issue per field. Terms in
 * another currency are compared at `rate` (1 unit of boundsCurrency = rate units of the terms'
 * currency); without a rate they cannot be compared, and the currency is refused.
 */
export function boundIssues(terms: BoundedTerms, bounds: CommissionBounds, boundsCurrency: string, rate: string | null): FieldIssue[] {
  if (terms.currency !== boundsCurrency && rate === null) {
    return [{ field: 'currency', reason: `cannot be checked against the market's commission bounds in ${boundsCurrency}: no ${boundsCurrency}->${terms.currency} exchange rate is set`, code: 'invalid' }];
  }
  const inTerms = (amount: number) => (terms.currency === boundsCurrency ? amount : convertMinor(amount, boundsCurrency, terms.currency, rate!));
  const checks: [field: string, value: number | null, limit: number][] = [
    ['signupAmount', terms.signupAmount, inTerms(bounds.maxSignupAmount)],
    ['percentBps', terms.percentBps, bounds.maxPercentBps],
    ['flatAmount', terms.flatAmount, inTerms(bounds.maxSaleAmount)],
    ['minAmount', terms.minAmount, inTerms(bounds.maxSaleAmount)],
  ];
  return checks
    .filter(([, value, limit]) => value !== null && value > limit)
    .map(([field, , limit]) => ({ field, reason: `must be at most ${limit}: the market's bound (an admin may raise it)`, code: 'too_big', limit }));
}
