import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { LoginSource } from '../core/auth/login-brake.js';
import { clientIpFrom } from '../tracking/redirect/request-info.js';
import type { AppEnv } from './env.js';

/** The peer's address under @hono/node-server; undefined under app.request(), which has no socket. */
export function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * The client address: the trusted proxy header when one is configured (its last entry, the one
 * our proxy appended), else the socket's. `app.request()` in tests has no socket. The API rate
 * limit, the login brakes and the partner-IP fraud signal all use this one rule.
 */
export function clientIp(c: Context, trustedHeader: string | undefined): string {
  // The same rule as the redirect's: the trusted header's last entry, else the socket.
  return clientIpFrom(trustedHeader ? c.req.header(trustedHeader) : undefined, socketAddress(c) ?? 'unknown');
}

/** Where a login or password change comes from, for the login brakes (src/core/auth/login-brake.ts). */
export function loginSource(c: Context<AppEnv>): LoginSource {
  const deps = c.get('deps');
  return { address: clientIp(c, deps.config.TRACKING_CLIENT_IP_HEADER), hasher: deps.tracking.ipHasher };
}
