import type { Db } from '../../../db/client.js';
import { findPartners, multiplierBpsOf } from '../../tracking/conversions/evidence.js';
import { rawRows } from '../../tracking/conversions/raw-sql.js';
import { commissionFor } from '../commission-math.js';
import { convertMinor, fxRateAt, FxRateMissing, normaliseRate, type FxQuote } from '../fx.js';
import { termsOf, type PolicyVersionRow } from '../policies/in-force.js';

/** What a conversion's commission is worth: in its own currency and in the program's payout currency. */
export interface PricedCommission {
  amount: number;
  currency: string;
  payoutAmount: number;
  fxRate: string;
  fxRateId: string | null;
}

/**
 * `priced`; `fx_missing` when a rate it needs is not known (the commission is held until a manager
 * approves it once one is: approval re-prices); null when the conversion earns nothing.
 */
export type Pricing = ({ outcome: 'priced' } & PricedCommission) | { outcome: 'fx_missing'; amount: number; currency: string } | null;

export interface PricingInput {
  version: PolicyVersionRow;
  conversion: { kind: 'signup' | 'sale'; amount: number | null; currency: string | null; occurredAt: Date };
  multiplierBps: number;
  payoutCurrency: string;
  /** Whose exchange rates price it: the program's tenant. */
  tenantId: string;
  /** When no rate was in force at the conversion, the rate in force at this instant is used (approval). */
  fxFallbackAt?: Date;
}

/** A currency pair pricing needs a rate for, at the conversion's time. */
export interface FxNeed {
  base: string;
  quote: string;
}

/** The currency a conversion's commission is in: the sale's, or the policy's for signups. */
function commissionCurrency(input: Pick<PricingInput, 'version' | 'conversion'>): string {
  const { conversion } = input;
  return conversion.kind === 'sale' && conversion.currency ? conversion.currency : input.version.currency;
}

/**
 * The rates pricing asks for: the policy's currency into the commission's when the policy's own
 * amounts (flat, min, max) count, and the commission's currency into the payout currency.
 */
export function fxNeedsOf(input: Pick<PricingInput, 'version' | 'conversion' | 'payoutCurrency'>): FxNeed[] {
  const terms = input.version;
  const target = commissionCurrency(input);
  const needs: FxNeed[] = [];
  if (target !== terms.currency && (terms.flatAmount > 0 || !!terms.minAmount || !!terms.maxAmount)) needs.push({ base: terms.currency, quote: target });
  if (target !== input.payoutCurrency) needs.push({ base: target, quote: input.payoutCurrency });
  return needs;
}

/** Looks up a rate pricing needs; null when none is known. */
export type RateOf = (base: string, quote: string) => FxQuote | null;

/**
 * Prices a conversion under a policy version with the rates already looked up: the policy's
 * flat/min/max are turned into the sale's currency at the rate in force when it happened, the
 * partner's tier multiplier applies on top, and the result is also expressed in the payout
 * currency (rate and rate id recorded).
 */
export function priceWithRates(input: Omit<PricingInput, 'tenantId' | 'fxFallbackAt'>, rateOf: RateOf): Pricing {
  const { version, conversion } = input;
  const terms = termsOf(version);
  const target = commissionCurrency(input);
  const convert = (amount: number, from: string, to: string) => {
    if (from === to || amount === 0) return amount;
    const quote = from === terms.currency && to === target ? rateOf(from, to) : null;
    if (!quote) throw new FxRateMissing(from, to, conversion.occurredAt);
    return convertMinor(amount, from, to, quote.rate);
  };
  let earned;
  try {
    earned = commissionFor(terms, conversion, input.multiplierBps, convert);
  } catch (err) {
    if (err instanceof FxRateMissing) return { outcome: 'fx_missing', amount: 0, currency: target };
    throw err;
  }
  if (!earned || earned.amount <= 0) return null;
  const payoutQuote = earned.currency === input.payoutCurrency ? { rate: '1', rateId: null } : rateOf(earned.currency, input.payoutCurrency);
  if (!payoutQuote) return { outcome: 'fx_missing', amount: earned.amount, currency: earned.currency };
  const payoutAmount = earned.currency === input.payoutCurrency ? earned.amount : convertMinor(earned.amount, earned.currency, input.payoutCurrency, payoutQuote.rate);
  return { outcome: 'priced', amount: earned.amount, currency: earned.currency, payoutAmount, fxRate: payoutQuote.rate, fxRateId: payoutQuote.rateId };
}

/** Prices a conversion under a policy version, looking up the rates it needs (see priceWithRates). */
export async function priceCommission(db: Db, input: PricingInput): Promise<Pricing> {
  const rates = new Map<string, FxQuote | null>();
  for (const { base, quote } of fxNeedsOf(input)) {
    const at = input.conversion.occurredAt;
    const found = (await fxRateAt(db, input.tenantId, base, quote, at)) ?? (input.fxFallbackAt ? await fxRateAt(db, input.tenantId, base, quote, input.fxFallbackAt) : null);
    rates.set(`${base}>${quote}`, found);
  }
  return priceWithRates(input, (base, quote) => rates.get(`${base}>${quote}`) ?? null);
}

/** One rate to look up: the tenant's rate of a pair in force at an instant. */
export interface FxLookup {
  tenantId: string;
  base: string;
  quote: string;
  at: Date;
}

const RATES_AT = `select x.i, r.id, r.rate::text as rate
  from json_to_recordset($1::text::json) as x(i int, tenant text, base text, quote text, at timestamptz)
  join lateral (select f.id, f.rate from fx_rates f where f.tenant_id = x.tenant and f.base = x.base and f.quote = x.quote
                and f.effective_at <= x.at order by f.effective_at desc limit 1) r on true`;

/** The rates in force for many lookups, in one query (fxRateAt for each); null where none is known. */
export async function fxRatesAt(db: Db, lookups: readonly FxLookup[]): Promise<(FxQuote | null)[]> {
  const out: (FxQuote | null)[] = lookups.map(() => null);
  if (lookups.length === 0) return out;
  const params = lookups.map((l, i) => ({ i, tenant: l.tenantId, base: l.base, quote: l.quote, at: l.at.toISOString() }));
  for (const r of await rawRows<{ i: number; id: string; rate: string }>(db, RATES_AT, [JSON.stringify(params)])) {
    out[Number(r.i)] = { rate: normaliseRate(String(r.rate)), rateId: r.id };
  }
  return out;
}

/**
 * The partner's tier commission multiplier (10000 = 1x) as heldTier (src/core/tiers/assignment.ts)
 * sees it: their live tier's, unless it is a paid tier that has lapsed (the hourly job may not have
 * ended it yet).
 */
export async function partnerMultiplierBps(db: Db, programId: string, partnerMemberId: string, at: Date): Promise<number> {
  const partner = (await findPartners(db, [partnerMemberId])).get(partnerMemberId);
  return partner ? multiplierBpsOf(partner, programId, at) : 10_000;
}
