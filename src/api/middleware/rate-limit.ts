import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../../config.js';
import { createRateLimiter, type WindowRateLimiter } from '../../core/rate-limiter.js';
import { RateLimitedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { clientIpFrom } from '../../tracking/redirect/request-info.js';
import { socketAddress } from '../client-address.js';
import type { AppEnv } from '../env.js';

/**
 * The API's limiter: API_RATE_LIMIT_PER_MINUTE per caller, shared through Redis when configured.
 * Undefined when the limit is 0 (off). The owner (server, test harness) closes it.
 */
export function createApiRateLimiter(
  config: Pick<Config, 'API_RATE_LIMIT_PER_MINUTE' | 'REDIS_URL' | 'JOBS_QUEUE_PREFIX'>,
  logger: Logger,
  now?: () => number,
): WindowRateLimiter | undefined {
  if (config.API_RATE_LIMIT_PER_MINUTE <= 0) return undefined;
  return createRateLimiter({
    name: 'api',
    limit: config.API_RATE_LIMIT_PER_MINUTE,
    windowMs: 60_000,
    logger,
    now,
    redisUrl: config.REDIS_URL,
    prefix: config.JOBS_QUEUE_PREFIX,
  });
}

/** Base64url SHA-256, shortened: enough to tell callers apart without keeping their credential. */
const fingerprint = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

/**
 * The client address: the trusted proxy header when one is configured (its last entry, the one
 * our proxy appended), else the socket's. `app.request()` in tests has no socket.
 */
export function clientIp(c: Context, trustedHeader: string | undefined): string {
  // The same rule as the redirect's: the trusted header's last entry, else the socket.
  return clientIpFrom(trustedHeader ? c.req.header(trustedHeader) : undefined, socketAddress(c) ?? 'unknown');
}

/**
 * Who a request counts against: its credential when it sends one (so callers behind one NAT or
 * proxy do not share a budget), else its IP. The credential is not verified here, so this runs
 * before authentication and a flood of bad tokens is limited too.
 */
export function callerKey(c: Context, trustedIpHeader: string | undefined): string {
  const credential = c.req.header('authorization') ?? c.req.header('x-api-key');
  return credential ? `cred:${fingerprint(credential)}` : `ip:${clientIp(c, trustedIpHeader)}`;
}

/**
 * Fixed-window limit on /v1. Every limited response carries RateLimit-Limit, -Remaining and
 * -Reset (seconds until the window ends); a refusal is a 429 `rate_limited` envelope with
 * Retry-After.
 */
export function apiRateLimit(limiter: WindowRateLimiter, trustedIpHeader: string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hit = await limiter.hit(callerKey(c, trustedIpHeader));
    const resetSeconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
    // Set before a throw as well: the error handler's response keeps the context's headers.
    c.header('RateLimit-Limit', String(hit.limit));
    c.header('RateLimit-Remaining', String(hit.remaining));
    c.header('RateLimit-Reset', String(resetSeconds));
    if (!hit.allowed) {
      c.header('Retry-After', String(resetSeconds));
      throw new RateLimitedError(`Too many requests: at most ${hit.limit} per minute. Retry in ${resetSeconds} s.`);
    }
    await next();
  };
}
