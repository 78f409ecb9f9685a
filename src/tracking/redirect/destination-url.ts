import type { CachedLink } from '../types.js';

/** The query parameter carrying the click id to the merchant's landing page. */
export const CLICK_PARAM = 'trellis_click';

interface QueryPair {
  /** Decoded name, for overriding. */
  key: string;
  /** `name=value` as it goes on the wire. */
  text: string;
}

/**
 * A destination split once per cached link so each redirect only concatenates strings: the part
 * before `?`, the query it always carries (the destination's own parameters, then the link's,
 * which replace same-named ones), and the fragment, which must stay last.
 */
export interface PreparedDestination {
  head: string;
  pairs: QueryPair[];
  query: string;
  hash: string;
}

const encodePair = (key: string, value: string): QueryPair => ({ key, text: `${encodeURIComponent(key)}=${encodeURIComponent(value)}` });

function decodedKey(text: string): string {
  const eq = text.indexOf('=');
  const raw = eq === -1 ? text : text.slice(0, eq);
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Splits `url` (already normalised by the link cache) and merges `params` into its query. */
export function prepareDestination(url: string, params: Record<string, string>): PreparedDestination {
  const hashAt = url.indexOf('#');
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const head = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const own = queryAt === -1 ? [] : beforeHash.slice(queryAt + 1).split('&').filter(Boolean).map((text) => ({ key: decodedKey(text), text }));
  const pairs = [...own.filter((p) => p.key !== CLICK_PARAM && !(p.key in params)), ...Object.entries(params).map(([k, v]) => encodePair(k, v))];
  return { head, pairs, query: pairs.map((p) => p.text).join('&'), hash };
}

/**
 * The final Location: the prepared destination, the visitor's pass-through parameters (they win
 * over the link's), then the click id. Previews pass a null click id.
 */
export function buildDestinationUrl(prepared: PreparedDestination, passThrough: Record<string, string> | null, clickId: string | null): string {
  let query = prepared.query;
  if (passThrough) {
    const parts = prepared.pairs.filter((p) => !(p.key in passThrough)).map((p) => p.text);
    for (const key in passThrough) parts.push(encodePair(key, passThrough[key]!).text);
    query = parts.join('&');
  }
  if (clickId !== null) query = query ? `${query}&${CLICK_PARAM}=${clickId}` : `${CLICK_PARAM}=${clickId}`;
  return query ? `${prepared.head}?${query}${prepared.hash}` : `${prepared.head}${prepared.hash}`;
}

// Per cached link object: a reload makes a new object, so a changed link is prepared afresh.
const preparedByLink = new WeakMap<CachedLink, Map<string, PreparedDestination>>();

/** The prepared form of one of `link`'s destinations (its own or a country override), memoised. */
export function preparedFor(link: CachedLink, url: string): PreparedDestination {
  let byUrl = preparedByLink.get(link);
  if (!byUrl) preparedByLink.set(link, (byUrl = new Map()));
  let prepared = byUrl.get(url);
  if (!prepared) byUrl.set(url, (prepared = prepareDestination(url, link.params)));
  return prepared;
}
