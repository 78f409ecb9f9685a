import { currencyDigits } from '../payouts/money.js';

/**
 * Numbers, money and dates for people, by Intl in the reader's locale. Money arrives as integer
 * minor units and becomes an exact decimal string that Intl.NumberFormat formats as is, so no
 * float ever touches an amount. Dates are shown in UTC unless a time zone is given.
 */

/** Minor units as a plain decimal in major units: 123456 EUR -> `1234.56`, -500 JPY -> `-500`. */
export function decimalOf(minorUnits: number | bigint, currency: string): string {
  if (typeof minorUnits === 'number' && !Number.isSafeInteger(minorUnits)) throw new RangeError(`not an integer amount of minor units: ${minorUnits}`);
  const digits = currencyDigits(currency);
  const value = BigInt(minorUnits);
  const negative = value < 0n;
  const text = String(negative ? -value : value).padStart(digits + 1, '0');
  const whole = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative ? `-${whole}` : whole;
}

const formats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
// Locales come from negotiation or the database: a bounded set, but a cap keeps a bug from growing it.
const CACHE_LIMIT = 512;

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    if (formats.size < CACHE_LIMIT) formats.set(key, format);
  }
  return format;
}

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    if (dateFormats.size < CACHE_LIMIT) dateFormats.set(key, format);
  }
  return format;
}

// Intl.NumberFormat formats a decimal string exactly (ES2023 Intl.NumberFormat v3); the lib types lag.
const exact = (decimal: string) => decimal as unknown as number;

/** `1.234,56 €` in de, `€1,234.56` in en, `￥1,235` for 1235 JPY in ja: the currency's own minor digits. */
export function formatMoney(minorUnits: number | bigint, currency: string, locale: string): string {
  return numberFormat(locale, { style: 'currency', currency }).format(exact(decimalOf(minorUnits, currency)));
}

/** A decimal string (an FX rate) in the locale's digits, all its places kept. */
export function formatDecimal(value: string, locale: string): string {
  const places = value.includes('.') ? value.split('.')[1]!.replace(/0+$/, '').length : 0;
  return numberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: Math.min(places, 20) }).format(exact(value));
}

/** A count or measure with the locale's grouping: `12.345` in de, `12,345` in en. */
export function formatNumber(value: number | bigint, locale: string, options: Intl.NumberFormatOptions = {}): string {
  return numberFormat(locale, options).format(value);
}

/** A ratio as a percentage: 0.125 -> `12.5%` (en), `12,5 %` (de). At most `maxDigits` decimals. */
export function formatPercent(ratio: number, locale: string, maxDigits = 1): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: maxDigits }).format(ratio);
}

/** Date and time, medium date and short time, in UTC unless told (statements say they are UTC). */
export function formatDateTime(at: Date, locale: string, timeZone = 'UTC'): string {
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);
}

/** A day, medium style: `2. Nov. 2026` (de), `2026/11/02` (ja). */
export function formatDate(at: Date, locale: string, timeZone = 'UTC'): string {
  return dateFormat(locale, { dateStyle: 'medium', timeZone }).format(at);
}
