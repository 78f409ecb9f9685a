import { currencyDigits } from '../money.js';

/**
 * Amounts and dates for statements. Minor units become an exact decimal string (`-1234.56`) that
 * Intl.NumberFormat formats as is, so no float ever touches an amount.
 */

/** Minor units as a plain decimal in major units: 123456 EUR -> `1234.56`, -500 JPY -> `-500`. */
export function decimalOf(minorUnits: number, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = minorUnits < 0;
  const text = String(Math.abs(minorUnits)).padStart(digits + 1, '0');
  const whole = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return negative ? `-${whole}` : whole;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** `1.234,56 €` in de-DE, `€1,234.56` in en. */
export function formatMoney(minorUnits: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    if (moneyFormats.size < 256) moneyFormats.set(key, format);
  }
  // Intl.NumberFormat formats a decimal string exactly (ES2023 Intl.NumberFormat v3); the lib types lag.
  return format.format(decimalOf(minorUnits, currency) as unknown as number);
}

/** A decimal string (an FX rate) in the locale's digits, all its places kept. */
export function formatDecimal(value: string, locale: string): string {
  const places = value.includes('.') ? value.split('.')[1]!.replace(/0+$/, '').length : 0;
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: Math.min(places, 20) }).format(value as unknown as number);
}

/** Date and time in the locale, in UTC (the footer says so), so a statement reads the same everywhere. */
export function formatDateTime(at: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(at);
}

export function formatDate(at: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}
