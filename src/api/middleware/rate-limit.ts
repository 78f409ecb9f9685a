import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../../config.js';
import { createRateLimiter, type WindowRateLimiter } from '../../core/rate-limiter.js';
import { RateLimitedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { clientIp } from '../client-address.js';
import type { AppEnv } from '../env.js';
import { requestCredential, type RequestCredential } from './credential.js';

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

/**
 * Who a request counts against: the user or API key its credential PROVES (so callers behind
 * one NAT or proxy do not share a budget), else its client IP. A missing, malformed, forged,
 * expired or unknown credential counts against the IP: it never buys a fresh budget, and naming
 * someone else's user id in a forged token never touches their budget.
 */
export function callerKey(credential: RequestCredential, c: Context, trustedIpHeader: string | undefined): string {
  if (credential.kind === 'access_token') return `user:${credential.token.actor.userId}`;
  if (credential.kind === 'api_key') return `key:${credential.actor.keyId}`;
  return `ip:${clientIp(c, trustedIpHeader)}`;
}

/**
 * Fixed-window limit on /v1, keyed by callerKey. Every limited response carries RateLimit-Limit,
 * -Remaining and -Reset (seconds until the window ends); a refusal is a 429 `rate_limited`
 * envelope with Retry-After.
 */
export function apiRateLimit(limiter: WindowRateLimiter, trustedIpHeader: string | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hit = await limiter.hit(callerKey(await requestCredential(c), c, trustedIpHeader));
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
