import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ServiceContext } from '../context.js';
import type { Principal } from '../core/auth/actor.js';
import { UnauthorizedError } from '../errors.js';
import type { AppEnv } from './env.js';
import { errorResponses, rateLimitedResponse } from './errors.js';
import { authenticate, requireAccess } from './middleware/auth.js';
import { JSON_MEDIA_TYPE, limitJsonNesting } from './middleware/json-nesting.js';

/** The OpenAPI extension that records who may call an operation; the authorization matrix test reads it. */
export const ACCESS_EXTENSION = 'x-trellis-access';

type Access = readonly Principal[] | 'public';

/**
 * createRoute plus Trellis conventions: a required operationId, the shared error responses, the
 * access declaration, which becomes both the enforcing middleware and the documented security, and
 * a nesting bound on JSON bodies (limitJsonNesting).
 */
export function defineRoute<const R extends Omit<RouteConfig, 'middleware'> & { operationId: string }>(
  config: R & { access: Access },
) {
  const { access, responses, ...rest } = config;
  const guarded = access !== 'public';
  const jsonBody = Object.keys(rest.request?.body?.content ?? {}).some((type) => JSON_MEDIA_TYPE.test(type));
  const middleware = [...(guarded ? [authenticate, requireAccess(access)] : []), ...(jsonBody ? [limitJsonNesting] : [])];
  return createRoute({
    ...rest,
    responses: { ...errorResponses, ...(rest.path.startsWith('/v1/') ? { 429: rateLimitedResponse } : {}), ...responses },
    ...(guarded ? { security: [{ bearer: [] }] } : {}),
    // Callers are authenticated before their body is read, and a body is bounded before it is parsed.
    ...(middleware.length ? { middleware } : {}),
    [ACCESS_EXTENSION]: access,
  } as unknown as R & { responses: R['responses'] & typeof errorResponses });
}

/** The service context for this request: the authenticated actor, db, logger, clock and jobs. */
export function serviceContext(c: Context<AppEnv>): ServiceContext {
  const deps = c.get('deps');
  const actor = c.get('actor');
  if (!actor) throw new UnauthorizedError();
  return { db: deps.db, actor, logger: c.get('logger'), clock: deps.clock, jobs: deps.jobs, secrets: deps.secrets, changes: deps.tracking.changes, requestId: c.get('requestId') };
}
