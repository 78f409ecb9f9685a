/**
 * Integer money helpers shared by the commission maths and FX: exact BigInt division with one
 * rounding rule, and the minor digits of a currency. No floats touch an amount.
 */

/** n / d rounded to the nearest integer, halves away from zero (d must be positive). */
export function divRound(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divRound needs a positive divisor');
  const q = n / d; // truncates toward zero
  const r = n % d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** A BigInt result back as a number; money beyond 2^53 minor units is a bug, not a rounding. */
export function toSafeNumber(n: bigint, what = 'amount'): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} ${n} is beyond the exact range of minor units`);
  }
  return Number(n);
}

/** An integer amount of minor units as a BigInt; fractions or unsafe numbers are refused. */
export function minor(amount: number, what = 'amount'): bigint {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${what} must be an integer number of minor units, got ${amount}`);
  return BigInt(amount);
}

const digitsCache = new Map<string, number>();

/**
 * Minor digits of a currency as ICU knows them (EUR 2, JPY 0, BHD 3). Unknown codes throw, so a
 * typo never silently converts at the wrong scale.
 */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`not a currency code: ${currency}`);
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

export const pow10 = (n: number): bigint => 10n ** BigInt(n);
