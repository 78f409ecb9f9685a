import { newId } from '../../../db/ids.js';
import type { ClickSubIds } from '../../../db/schema/partitioned.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../context.js';
import type { Logger } from '../../logger.js';
import type { CachedLink, LinkCache, PendingClick, Tracking } from '../types.js';
import { isPreview, uaClass, type HeaderReader } from './classify.js';
import { clickCookie } from './cookie.js';
import { buildDestinationUrl, preparedFor } from './destination-url.js';
import { clientIpFrom, countryFrom, passThroughParams, referrerHost, requestHost, type PassThrough } from './request-info.js';

/** One redirect request, as both adapters (Hono and the node:http fast path) describe it. */
export interface RedirectRequest {
  method: string;
  slug: string;
  /** The raw Host header. */
  host: string | undefined;
  /** The query string without `?` ('' when none). */
  query: string;
  header: HeaderReader;
  socketAddress: string | undefined;
  /** Whether the connection itself is TLS. */
  socketTls: boolean;
}

export type RedirectAnswer =
  | { status: 302; location: string; cookie: string | null }
  | { status: 404 }
  | { status: 429 | 503; retryAfterSeconds: number };

export type RedirectConfig = Pick<Config, 'TRACKING_COUNTRY_HEADER' | 'TRACKING_CLIENT_IP_HEADER' | 'PUBLIC_URL'>;

export interface RedirectDeps {
  tracking: Tracking;
  config: RedirectConfig;
  clock: Clock;
  logger: Logger;
}

/** Sync when the link is cached and the buffer has room: the common case allocates no promise. */
export type RedirectHandler = (req: RedirectRequest) => RedirectAnswer | Promise<RedirectAnswer>;

const SLUG = /^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/;
const SUB_KEYS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
const NOT_FOUND: RedirectAnswer = { status: 404 };
const UNAVAILABLE: RedirectAnswer = { status: 503, retryAfterSeconds: 5 };
const RATE_LIMITED: RedirectAnswer = { status: 429, retryAfterSeconds: 60 };

type Lookup = CachedLink | null | Promise<CachedLink | null>;
const isPromise = <T>(v: unknown): v is Promise<T> => v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';

/** The link on the request's own host (a program's link domain), else on the shared domain ''. */
function lookup(links: LinkCache, host: string, slug: string): Lookup {
  if (!host) return links.get({ domain: '', slug });
  const own = links.get({ domain: host, slug });
  if (isPromise<CachedLink | null>(own)) return own.then((link) => link ?? links.get({ domain: '', slug }));
  return own ?? links.get({ domain: '', slug });
}

/** The link's sub-ids overridden by the visitor's, stored with the click for the affiliate's reports. */
function subIdsOf(params: Record<string, string>, passThrough: PassThrough | null): ClickSubIds | null {
  let out: ClickSubIds | null = null;
  for (const key of SUB_KEYS) {
    const value = passThrough?.subIds?.[key] ?? params[key];
    if (value !== undefined) (out ??= {})[key] = value;
  }
  return out;
}

/**
 * The redirect, framework-free (issue 3): limit (when switched on), look the link up in the cache,
 * pick the destination, append parameters and the click id, set the attribution cookie and hand the
 * click to the buffer. HEAD and previews get the redirect without a click id, cookie or record.
 */
export function createRedirectHandler(deps: RedirectDeps): RedirectHandler {
  const { tracking, clock, logger } = deps;
  const countryHeader = deps.config.TRACKING_COUNTRY_HEADER;
  const ipHeader = deps.config.TRACKING_CLIENT_IP_HEADER;
  const publicHttps = deps.config.PUBLIC_URL?.startsWith('https:') ?? false;

  // X-Forwarded-Proto is only believed behind the proxy that also supplies the client IP.
  const isHttps = (req: RedirectRequest) => {
    if (req.socketTls || publicHttps) return true;
    if (!ipHeader) return false;
    const proto = req.header('x-forwarded-proto');
    return proto !== undefined && proto.slice(proto.lastIndexOf(',') + 1).trim().toLowerCase() === 'https';
  };

  function answer(req: RedirectRequest, link: CachedLink | null, ipHash: string, clickedAt: Date): RedirectAnswer | Promise<RedirectAnswer> {
    if (link === null) return NOT_FOUND;
    if (link.status !== 'active') return link.fallbackUrl ? { status: 302, location: link.fallbackUrl, cookie: null } : NOT_FOUND;
    const country = countryFrom(countryHeader ? req.header(countryHeader) : undefined);
    const prepared = preparedFor(link, link.countryDestinations[country] ?? link.destinationUrl);
    const passThrough = passThroughParams(req.query);
    const userAgent = req.header('user-agent');
    if (req.method === 'HEAD' || isPreview(req.header, userAgent)) {
      return { status: 302, location: buildDestinationUrl(prepared, passThrough?.params ?? null, null), cookie: null };
    }
    const clickId = newId('clk');
    const redirect: RedirectAnswer = {
      status: 302,
      location: buildDestinationUrl(prepared, passThrough?.params ?? null, clickId),
      cookie: clickCookie(link.programId, clickId, link.attributionWindowDays, isHttps(req)),
    };
    const click: PendingClick = {
      id: clickId,
      clickedAt,
      linkId: link.id,
      programId: link.programId,
      ownerMemberId: link.ownerMemberId,
      country,
      uaClass: uaClass(userAgent),
      referrerHost: referrerHost(req.header('referer')),
      ipHash,
      subIds: subIdsOf(link.params, passThrough),
    };
    const added = tracking.clicks.add(click);
    if (!added) return redirect;
    // The buffer is full: this redirect waits for room (backpressure) rather than memory growing.
    return added.then(
      () => redirect,
      (err: unknown) => {
        logger.error({ err, linkId: link.id }, 'click not recorded');
        return redirect;
      },
    );
  }

  function lookupAndAnswer(req: RedirectRequest, ipHash: string, clickedAt: Date): RedirectAnswer | Promise<RedirectAnswer> {
    let found: Lookup;
    try {
      found = lookup(tracking.links, requestHost(req.host), req.slug);
    } catch (err) {
      logger.error({ err, slug: req.slug }, 'link lookup failed');
      return UNAVAILABLE;
    }
    if (!isPromise<CachedLink | null>(found)) return answer(req, found, ipHash, clickedAt);
    return found.then(
      (link) => answer(req, link, ipHash, clickedAt),
      (err: unknown) => {
        // Not cached and the database does not answer: nothing safe to redirect to.
        logger.warn({ err, slug: req.slug }, 'link lookup failed; answering 503');
        return UNAVAILABLE;
      },
    );
  }

  return (req) => {
    if (!SLUG.test(req.slug)) return NOT_FOUND;
    const clickedAt = clock();
    const ip = clientIpFrom(ipHeader ? req.header(ipHeader) : undefined, req.socketAddress);
    const ipHash = tracking.ipHasher.hash(ip, clickedAt);
    const limiter = tracking.redirectLimiter;
    if (!limiter) return lookupAndAnswer(req, ipHash, clickedAt);
    const allowed = limiter.allow(ipHash);
    if (!isPromise<boolean>(allowed)) return allowed ? lookupAndAnswer(req, ipHash, clickedAt) : RATE_LIMITED;
    return allowed.then(
      (ok) => (ok ? lookupAndAnswer(req, ipHash, clickedAt) : RATE_LIMITED),
      (err: unknown) => {
        // A limiter that cannot count must not take redirects down with it.
        logger.warn({ err }, 'redirect rate limiter failed; allowing');
        return lookupAndAnswer(req, ipHash, clickedAt);
      },
    );
  };
}
