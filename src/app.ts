import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps, AppEnv } from './api/env.js';
import { handleError, notFoundHandler, validationHook } from './api/errors.js';
import { docsPage } from './api/docs-page.js';
import { locale } from './api/middleware/locale.js';
import { apiRateLimit } from './api/middleware/rate-limit.js';
import { requestContext } from './api/middleware/request-context.js';
import { registerRoutes } from './api/routes/index.js';
import { apiSecurityHeaders, docsSecurityHeaders } from './api/security-headers.js';
import { registerWebApp } from './api/web-app.js';
import { PayloadTooLargeError } from './errors.js';

export type { AppDeps } from './api/env.js';
export type App = OpenAPIHono<AppEnv>;

const JSON_BODY_LIMIT = 1024 * 1024;
const STRIPE_WEBHOOK_PATH = '/v1/stripe/webhooks';
// Member imports stream files far larger than any JSON body.
const LARGE_BODY_PATHS = /\/imports(\/|$)/;

/** The one Hono app factory, used by the server and by the tests. */
export function newApp(deps: AppDeps): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(apiSecurityHeaders);
  app.use(requestContext(deps));
  app.use(locale());
  // Only the API is limited: redirects have their own opt-in limit, and health, docs and keys stay reachable.
  // Stripe's webhooks are not: Stripe sends bursts from a few addresses, and a refused delivery only comes back later.
  if (deps.apiRateLimiter) {
    const limit = apiRateLimit(deps.apiRateLimiter, deps.config.TRACKING_CLIENT_IP_HEADER);
    app.use('/v1/*', (c, next) => (c.req.path === STRIPE_WEBHOOK_PATH ? next() : limit(c, next)));
  }
  const limitStreamedBody = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw new PayloadTooLargeError(JSON_BODY_LIMIT);
    },
  });
  app.use(async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || LARGE_BODY_PATHS.test(c.req.path)) return next();
    // A declared length is checked from the header, as bodyLimit would (Node's parser never reads
    // past it). bodyLimit itself touches the request's web stream, which makes @hono/node-server
    // build a full Request per call, where otherwise the body is read straight from the socket.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > JSON_BODY_LIMIT) throw new PayloadTooLargeError(JSON_BODY_LIMIT);
      return next();
    }
    return limitStreamedBody(c, next);
  });
  app.onError(handleError);
  app.notFound(notFoundHandler);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An access token from POST /v1/auth/login, or a merchant API key (trl_...).',
  });
  registerRoutes(app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Trellis API',
      version: '0.1.0',
      description: 'Affiliate and referral network: programs, members, tiers, points, links, commissions and a verifiable log.',
    },
  });
  app.get('/docs', docsSecurityHeaders, (c) => c.html(docsPage));
  registerWebApp(app);
  return app;
}
