import type { MiddlewareHandler } from 'hono';
import { newId } from '../../../db/ids.js';
import type { AppDeps, AppEnv } from '../env.js';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Request id (honouring a sane incoming X-Request-Id), a child logger, and one access log line. */
export function requestContext(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : newId('req');
    const logger = deps.logger.child({ requestId });
    c.set('deps', deps);
    c.set('requestId', requestId);
    c.set('logger', logger);
    const started = performance.now();
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    logger.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round((performance.now() - started) * 10) / 10 },
      'request',
    );
  };
}
