import type { MiddlewareHandler } from 'hono';
import { currentUserActor } from '../../core/auth/current-user.js';
import { principalOf, type Actor, type Principal } from '../../core/auth/actor.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import type { AppEnv } from '../env.js';
import { requestCredential } from './credential.js';

/** Sets the actor from the request's credential (verified once, see credential.ts) and, for a user, their row as it is now. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const credential = await requestCredential(c);
  let actor: Actor;
  switch (credential.kind) {
    case 'none':
      throw new UnauthorizedError();
    case 'invalid':
      throw credential.error;
    case 'api_key':
      actor = credential.actor;
      break;
    case 'access_token':
      actor = await currentUserActor(c.get('deps').db, credential.token);
      break;
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
