import { useTranslation } from 'react-i18next';

const digitsCache = new Map<string, number>();

/** Minor-unit digits of a currency (EUR 2, JPY 0, BHD 3), from Intl. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** Minor units -> major units as a number, for display only (never for arithmetic). */
export const toMajor = (minor: number | string, currency: string): number => Number(minor) / 10 ** currencyDigits(currency);

/** Major units typed by a person -> integer minor units, or null when it is not a valid amount. */
export function toMinor(major: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(major);
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

/** Intl formatters in the UI language: amounts in their own currency, dates in the user's zone. */
export function useFormat() {
  const { t, i18n } = useTranslation('web-common');
  const locale = i18n.language;
  return {
    locale,
    money: (minor: number | string, currency: string) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency }).format(toMajor(minor, currency)),
    number: (n: number, opts?: Intl.NumberFormatOptions) => new Intl.NumberFormat(locale, opts).format(n),
    percent: (ratio: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio),
    date: (iso: string | Date) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)),
    dateTime: (iso: string | Date) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)),
    /** A day label for chart axes (`2026-11-05` -> `5 Nov`), read as a calendar day, not a UTC instant. */
    day: (isoDay: string) => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${isoDay.slice(0, 10)}T00:00:00Z`)),
    // XX is how the tracker records a visitor whose country it could not tell.
    country: (code: string) => (code === 'XX' ? t('country.unknown') : (new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code)),
  };
}
