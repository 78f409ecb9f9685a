import type { MiddlewareHandler } from 'hono';
import { authenticateApiKey, looksLikeApiKey } from '../../core/auth/api-keys.js';
import { currentUserActor } from '../../core/auth/current-user.js';
import { principalOf, type Actor, type Principal } from '../../core/auth/actor.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import type { AppEnv } from '../env.js';

/** Reads `Authorization: Bearer <jwt | api key>` (or `X-Api-Key`) and sets the actor. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get('deps');
  const header = c.req.header('authorization');
  const apiKeyHeader = c.req.header('x-api-key');
  let credential: string | undefined;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError('The Authorization header must be `Bearer <token>`.');
    credential = match[1];
  } else if (apiKeyHeader) {
    credential = apiKeyHeader.trim();
  }
  if (!credential) throw new UnauthorizedError();
  let actor: Actor | undefined;
  if (looksLikeApiKey(credential)) {
    actor = await authenticateApiKey(deps, credential, deps.tracking.apiKeys);
    if (!actor) throw new UnauthorizedError('The API key is unknown or revoked.', 'invalid_api_key');
  } else {
    const fromToken = await deps.tokens.verify(credential);
    actor = fromToken.kind === 'user' ? await currentUserActor(deps.db, fromToken) : fromToken;
  }
  c.set('actor', actor);
  await next();
};

/**
 * The one place route-level access is enforced: each route declares the principals that may call
 * it (see defineRoute); everyone else gets 403 before the request is even validated.
 */
export function requireAccess(allowed: readonly Principal[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!actor) throw new UnauthorizedError();
    const principal = principalOf(actor);
    if (principal === 'system' || !allowed.includes(principal)) {
      throw new ForbiddenError(`This operation is not available to ${principal === 'api_key' ? 'API keys' : `the ${principal} role`}.`);
    }
    await next();
  };
}
