import { DEFAULT_LOCALE, matchLocale, type Locale } from './locales.js';

/** The cookie the web app sets when a person picks a language. */
export const LOCALE_COOKIE = 'trellis_lang';

export interface LocaleSources {
  /** `?lang=` */
  query?: string | null;
  /** The raw Cookie header; only `trellis_lang` is read. */
  cookie?: string | null;
  /** The raw Accept-Language header. */
  acceptLanguage?: string | null;
}

export interface NegotiatedLocale {
  locale: Locale;
  /** True when the query, the cookie or Accept-Language chose it; false for a market or the default. */
  explicit: boolean;
}

/**
 * The locale of a request: `?lang=`, then the `trellis_lang` cookie, then Accept-Language (by
 * q-value), then the market's default, then English. A source naming nothing we ship is skipped.
 */
export function negotiateLocale(sources: LocaleSources, marketDefault?: string | null): NegotiatedLocale {
  const chosen = matchLocale(sources.query) ?? matchLocale(cookieValue(sources.cookie, LOCALE_COOKIE)) ?? matchAcceptLanguage(sources.acceptLanguage);
  if (chosen) return { locale: chosen, explicit: true };
  return { locale: matchLocale(marketDefault) ?? DEFAULT_LOCALE, explicit: false };
}

/**
 * The best shipped locale for an Accept-Language header (RFC 9110 §12.5.4): ranges by descending
 * q, ties in header order; `q=0` refuses a range; `*` states no preference, so it matches nothing.
 */
export function matchAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranges: { tag: string; q: number; order: number }[] = [];
  // Headers are short; a hostile one is cut rather than parsed at length.
  const parts = header.slice(0, 1024).split(',');
  for (let order = 0; order < parts.length && order < 32; order++) {
    const [rawTag, ...params] = parts[order]!.split(';');
    const tag = rawTag!.trim();
    if (!tag) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=');
      if (name?.trim().toLowerCase() === 'q') q = Number(value?.trim());
    }
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    ranges.push({ tag, q, order });
  }
  ranges.sort((a, b) => b.q - a.q || a.order - b.order);
  for (const range of ranges) {
    const locale = matchLocale(range.tag);
    if (locale) return locale;
  }
  return null;
}

/** One cookie's value from a Cookie header, or null. */
export function cookieValue(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}
