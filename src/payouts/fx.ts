import { and, desc, eq, gte, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { fxRates } from '../../db/schema/index.js';
import type { MinorConverter } from './commission-math.js';
import { currencyDigits, divRound, minor, pow10, toSafeNumber } from './money.js';

/**
 * Exchange rates (issue 4): the fx_rates table and conversion of minor units between currencies
 * with different minor digits (EUR 2, JPY 0, BHD 3). Rates are directional: EUR->USD does not
 * imply USD->EUR, so what was paid is always a rate someone set, never a derived one.
 */

export interface FxQuote {
  /** 1 unit of base = rate units of quote, as a decimal string; '1' for the same currency. */
  rate: string;
  /** The fx_rates row used; null for the same currency. */
  rateId: string | null;
}

const SAME_CURRENCY: FxQuote = { rate: '1', rateId: null };

/** A decimal rate as its shortest exact text: Postgres numeric(20,10) "1.0850000000" is "1.085". */
export function normaliseRate(rate: string): string {
  const [whole = '', fraction = ''] = rate.split('.');
  const int = whole.replace(/^0+(?=\d)/, '');
  const frac = fraction.replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/** The tenant's rate in force at `at` (latest effective_at <= at), or null when none is known. */
export async function fxRateAt(db: Db, tenantId: string, base: string, quote: string, at: Date): Promise<FxQuote | null> {
  if (base === quote) return SAME_CURRENCY;
  const [row] = await db
    .select({ id: fxRates.id, rate: fxRates.rate })
    .from(fxRates)
    .where(and(eq(fxRates.tenantId, tenantId), eq(fxRates.base, base), eq(fxRates.quote, quote), lte(fxRates.effectiveAt, at)))
    .orderBy(desc(fxRates.effectiveAt))
    .limit(1);
  return row ? { rate: normaliseRate(String(row.rate)), rateId: row.id } : null;
}

/** A decimal rate string as an exact fraction: units / 10^scale. */
function parseRate(rate: string): { units: bigint; scale: number } {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) throw new RangeError(`not a decimal rate: ${rate}`);
  const fraction = match[2] ?? '';
  const units = BigInt(match[1]! + fraction);
  if (units === 0n) throw new RangeError('a rate must be positive');
  return { units, scale: fraction.length };
}

/**
 * `amount` minor units of `from` in minor units of `to` at `rate`, rounded half away from zero:
 * amount / 10^digits(from) x rate x 10^digits(to), computed exactly.
 */
export function convertMinor(amount: number, from: string, to: string, rate: string): number {
  const { units, scale } = parseRate(rate);
  const numerator = minor(amount) * units * pow10(currencyDigits(to));
  const denominator = pow10(scale + currencyDigits(from));
  return toSafeNumber(divRound(numerator, denominator), `${amount} ${from} in ${to}`);
}

/** Thrown by an FxBook converter when no rate is known for a pair at that time. */
export class FxRateMissing extends Error {
  constructor(
    readonly base: string,
    readonly quote: string,
    readonly at: Date,
  ) {
    super(`No ${base}->${quote} exchange rate in force at ${at.toISOString()}.`);
  }
}

interface BookRate {
  id: string;
  rate: string;
  at: number;
}

/**
 * Rates of a few currency pairs over a period, loaded once, for code that prices many conversions
 * (the policy preview): one query instead of one per conversion.
 */
export class FxBook {
  private constructor(private readonly byPair: Map<string, BookRate[]>) {}

  /** Every rate of the tenant's `pairs` in force at some moment of [from, to]: the last before `from` and all after. */
  static async load(db: Db, tenantId: string, pairs: Iterable<readonly [string, string]>, from: Date, to: Date): Promise<FxBook> {
    const wanted = new Map<string, readonly [string, string]>();
    for (const [base, quote] of pairs) if (base !== quote) wanted.set(`${base}>${quote}`, [base, quote]);
    const byPair = new Map<string, BookRate[]>();
    if (wanted.size) {
      const pairMatch = or(...[...wanted.values()].map(([base, quote]) => and(eq(fxRates.base, base), eq(fxRates.quote, quote))));
      // The rate in force at `from` may have been set long before: keep, per pair, everything
      // from that rate's effective time on. (ISO text: postgres.js does not serialise a Date in raw SQL.)
      const rows = await db
        .select({ id: fxRates.id, base: fxRates.base, quote: fxRates.quote, rate: fxRates.rate, effectiveAt: fxRates.effectiveAt })
        .from(fxRates)
        .where(
          and(
            eq(fxRates.tenantId, tenantId),
            pairMatch,
            lte(fxRates.effectiveAt, to),
            gte(
              fxRates.effectiveAt,
              sql`coalesce((select max(p.effective_at) from fx_rates p where p.tenant_id = ${fxRates.tenantId} and p.base = ${fxRates.base} and p.quote = ${fxRates.quote} and p.effective_at <= ${from.toISOString()}::timestamptz), '-infinity'::timestamptz)`,
            ),
          ),
        )
        .orderBy(fxRates.effectiveAt);
      for (const row of rows) {
        const key = `${row.base}>${row.quote}`;
        const list = byPair.get(key) ?? [];
        list.push({ id: row.id, rate: normaliseRate(String(row.rate)), at: row.effectiveAt.getTime() });
        byPair.set(key, list);
      }
    }
    return new FxBook(byPair);
  }

  /** The rate in force at `at`, or null; the same currency is always '1'. */
  rateAt(base: string, quote: string, at: Date): FxQuote | null {
    if (base === quote) return SAME_CURRENCY;
    const list = this.byPair.get(`${base}>${quote}`);
    if (!list) return null;
    // Binary search for the last rate effective at or before `at`.
    let lo = 0;
    let hi = list.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.at <= at.getTime()) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? null : { rate: list[found]!.rate, rateId: list[found]!.id };
  }

  /** A converter at `at` for commissionFor; throws FxRateMissing when a needed rate is unknown. */
  converterAt(at: Date): MinorConverter {
    return (amount, from, to) => {
      const quote = this.rateAt(from, to, at);
      if (!quote) throw new FxRateMissing(from, to, at);
      return convertMinor(amount, from, to, quote.rate);
    };
  }
}
