import type { FieldIssue } from '../../errors.js';

/**
 * The open-redirect guard. A destination is accepted only when it is an absolute http(s) URL whose
 * host is in the program's `allowedHosts`, and it is stored in the URL parser's normal form, so what
 * was checked is exactly what the redirect sends. Anything a browser and our parser might read
 * differently (backslashes, control characters, credentials, a missing `//`) is refused outright
 * instead of being interpreted.
 */

export const MAX_DESTINATION_LENGTH = 2048;
export const MAX_COUNTRY_DESTINATIONS = 50;

// Tabs and newlines are silently dropped by the URL parser and `\` reads as `/` in http(s) URLs:
// `https://evil.com\@shop.example` would be checked as one host and followed as another.
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f\\]/;
const EXPLICIT_HTTP = /^https?:\/\//i;
const COUNTRY = /^[A-Z]{2}$/;

/**
 * True when `host` (lower case, as `URL.hostname` gives it) is listed, or is a subdomain of a
 * `*.example.com` entry. The wildcard does not match example.com itself.
 */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  for (const pattern of allowedHosts) {
    if (pattern.startsWith('*.')) {
      const suffix = pattern.slice(1);
      if (host.length > suffix.length && host.endsWith(suffix)) return true;
    } else if (host === pattern) {
      return true;
    }
  }
  return false;
}

export type DestinationCheck = { ok: true; url: string } | { ok: false; reason: string };

/** Checks one destination against the program's allowed hosts; the URL comes back normalised. */
export function checkDestination(raw: string, allowedHosts: readonly string[]): DestinationCheck {
  if (raw.length > MAX_DESTINATION_LENGTH) return { ok: false, reason: `must be at most ${MAX_DESTINATION_LENGTH} characters` };
  if (UNSAFE_CHARACTERS.test(raw)) return { ok: false, reason: 'must not contain spaces, control characters or backslashes' };
  if (!EXPLICIT_HTTP.test(raw)) return { ok: false, reason: 'must be an absolute URL starting with http:// or https://' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be an absolute http(s) URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'must be an absolute http(s) URL' };
  // An `@` anywhere in the authority, even with an empty user, is how phishing URLs hide the host.
  const authority = raw.slice(raw.indexOf('//') + 2).split(/[/?#]/, 1)[0]!;
  if (url.username || url.password || authority.includes('@')) return { ok: false, reason: 'must not contain credentials (user:password@)' };
  const host = url.hostname;
  if (host.endsWith('.')) return { ok: false, reason: `host ${host} must not end with a dot` };
  if (!hostAllowed(host, allowedHosts)) {
    const hint = allowedHosts.length ? '' : ' (the program allows no destination hosts yet: set settings.links.allowedHosts)';
    return { ok: false, reason: `host ${host} is not an allowed destination for this program${hint}` };
  }
  return { ok: true, url: url.href };
}

/**
 * Per-country destinations: keys are ISO alpha-2 codes (lower case is accepted and upper-cased),
 * each value passes the same guard. Issues name `<field>.<key>`.
 */
export function checkCountryDestinations(
  raw: Record<string, string>,
  allowedHosts: readonly string[],
  field = 'countryDestinations',
): { value: Record<string, string>; issues: FieldIssue[] } {
  const value: Record<string, string> = {};
  const issues: FieldIssue[] = [];
  const entries = Object.entries(raw);
  if (entries.length > MAX_COUNTRY_DESTINATIONS) {
    return { value, issues: [{ field, reason: `must have at most ${MAX_COUNTRY_DESTINATIONS} countries` }] };
  }
  for (const [key, url] of entries) {
    const country = key.toUpperCase();
    if (!COUNTRY.test(country)) {
      issues.push({ field: `${field}.${key}`, reason: 'must be a two-letter country code, e.g. DE' });
    } else if (country in value) {
      issues.push({ field: `${field}.${key}`, reason: `repeats the country ${country}` });
    } else {
      const check = checkDestination(url, allowedHosts);
      if (check.ok) value[country] = check.url;
      else issues.push({ field: `${field}.${key}`, reason: check.reason });
    }
  }
  return { value, issues };
}
