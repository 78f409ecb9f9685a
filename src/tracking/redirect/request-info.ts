import type { ClickSubIds } from '../../../db/schema/partitioned.js';
import { isStorableText } from '../../core/validation.js';

/**
 * What the redirect learns about a visitor from the request. Only trusted proxy headers named in
 * the config are read; anything a client could forge otherwise is ignored.
 */

const A = 65;
const Z = 90;

/** ISO 3166-1 alpha-2 from the trusted header, upper case; anything else (CF's `T1` for Tor) is `XX`. */
export function countryFrom(value: string | undefined): string {
  if (value === undefined || value.length !== 2) return 'XX';
  const upper = value.toUpperCase();
  const a = upper.charCodeAt(0);
  const b = upper.charCodeAt(1);
  return a >= A && a <= Z && b >= A && b <= Z ? upper : 'XX';
}

/**
 * The client address: from the trusted header when one is configured and present (a comma list's
 * LAST entry, the one our proxy appended; earlier entries came from the client), else the socket.
 */
export function clientIpFrom(headerValue: string | undefined, socketAddress: string | undefined): string {
  if (headerValue) {
    const comma = headerValue.lastIndexOf(',');
    const ip = (comma === -1 ? headerValue : headerValue.slice(comma + 1)).trim();
    if (ip) return ip;
  }
  return socketAddress || '0.0.0.0';
}

// scheme://[userinfo@]host[:port]...; the host is a bracketed IPv6 literal or a plain name.
const REFERRER = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[0-9a-f:.]+\]|[^:/?#[\]@\s]+)/i;

/** The referring site's host, lower case; null when absent or not a URL with a host. */
export function referrerHost(referer: string | undefined): string | null {
  if (!referer) return null;
  const match = REFERRER.exec(referer);
  const host = match?.[1];
  return host && host.length <= 253 ? host.toLowerCase() : null;
}

const SUB_ID = /^sub[1-5]$/;
const UTM = /^utm_[a-z0-9_]{1,40}$/;
/**
 * Longer values are dropped, not refused: the visitor still gets their redirect. So are values
 * with a NUL or a lone surrogate (`%00`): the database cannot store one, and would refuse the click.
 */
export const MAX_PARAM_LENGTH = 200;
const MAX_PARAMS = 20;

export interface PassThrough {
  /** Appended to the destination, overriding the link's own parameters of the same name. */
  params: Record<string, string>;
  /** The sub-ids among them, stored with the click. */
  subIds: ClickSubIds | null;
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.includes('+') ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return undefined;
  }
}

/**
 * `sub1`..`sub5` and `utm_*` from the query string (without the `?`); null when there are none,
 * which is the common case and allocates nothing.
 */
export function passThroughParams(query: string): PassThrough | null {
  if (!query || (!query.includes('sub') && !query.includes('utm_'))) return null;
  let result: PassThrough | null = null;
  let seen = 0;
  for (const pair of query.split('&')) {
    if (++seen > MAX_PARAMS * 2) break;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    if (key === undefined) continue;
    const isSub = SUB_ID.test(key);
    if (!isSub && !UTM.test(key)) continue;
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (value === undefined || value.length > MAX_PARAM_LENGTH || !isStorableText(value)) continue;
    result ??= { params: {}, subIds: null };
    if (!(key in result.params) && Object.keys(result.params).length >= MAX_PARAMS) continue;
    result.params[key] = value;
    if (isSub) (result.subIds ??= {})[key as keyof ClickSubIds] = value;
  }
  return result;
}

/** The request host without port, lower case; '' when missing or not a plausible host name. */
export function requestHost(hostHeader: string | undefined): string {
  if (!hostHeader || hostHeader.length > 260) return '';
  let host = hostHeader;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const end = host.indexOf(']');
    host = end === -1 ? '' : host.slice(0, end + 1);
  } else {
    const colon = host.indexOf(':');
    if (colon !== -1) host = host.slice(0, colon);
  }
  return host.toLowerCase();
}
