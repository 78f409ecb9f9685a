import type { Context } from 'hono';
import { authenticateApiKey, looksLikeApiKey } from '../../core/auth/api-keys.js';
import type { Actor } from '../../core/auth/actor.js';
import type { VerifiedAccessToken } from '../../core/auth/tokens.js';
import { UnauthorizedError } from '../../errors.js';
import type { AppEnv } from '../env.js';

/**
 * What the request's credential proved, before any route ran: an access token whose signature
 * and claims hold (the user row is read later, by authenticate), a live API key, a credential
 * that proves nothing, or none at all.
 */
export type RequestCredential =
  | { kind: 'none' }
  | { kind: 'access_token'; token: VerifiedAccessToken }
  | { kind: 'api_key'; actor: Extract<Actor, { kind: 'api_key' }> }
  | { kind: 'invalid'; error: UnauthorizedError };

/**
 * Reads `Authorization: Bearer <jwt | api key>` (or `X-Api-Key`) and verifies it, once per
 * request: the rate limit keys on the result and authentication reuses it. Neither costs a
 * database read while the signing keys and the API key are cached.
 */
export async function requestCredential(c: Context<AppEnv>): Promise<RequestCredential> {
  const known = c.get('credential');
  if (known) return known;
  const credential = await verifyCredential(c);
  c.set('credential', credential);
  return credential;
}

async function verifyCredential(c: Context<AppEnv>): Promise<RequestCredential> {
  const deps = c.get('deps');
  const header = c.req.header('authorization');
  let presented: string | undefined;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return { kind: 'invalid', error: new UnauthorizedError('The Authorization header must be `Bearer <token>`.') };
    presented = match[1]!;
  } else {
    presented = c.req.header('x-api-key')?.trim() || undefined;
  }
  if (!presented) return { kind: 'none' };
  if (looksLikeApiKey(presented)) {
    const actor = await authenticateApiKey(deps, presented, deps.tracking.apiKeys);
    if (!actor) return { kind: 'invalid', error: new UnauthorizedError('The API key is unknown or revoked.', 'invalid_api_key') };
    return { kind: 'api_key', actor };
  }
  try {
    return { kind: 'access_token', token: await deps.tokens.verify(presented) };
  } catch (err) {
    if (err instanceof UnauthorizedError) return { kind: 'invalid', error: err };
    throw err;
  }
}
