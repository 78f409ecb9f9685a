import type { OpenAPIHono } from '@hono/zod-openapi';
import { signOutEverywhere } from '../../../core/users/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';

export const logoutAllRoute = defineRoute({
  method: 'post',
  path: '/v1/auth/logout-all',
  operationId: 'logoutEverywhere',
  tags: ['Auth'],
  summary: 'Sign out everywhere',
  description: 'Every access token of your account, this one included, stops working at once, on every device. Log in again to get a new one. Audited as `user.signed_out_everywhere`.',
  access: ['admin', 'regional_manager', 'affiliate', 'member'],
  responses: {
    204: { description: 'Every token of the account is revoked.' },
  },
});

export function registerLogoutAll(app: OpenAPIHono<AppEnv>) {
  return app.openapi(logoutAllRoute, async (c) => {
    await signOutEverywhere(serviceContext(c));
    return c.body(null, 204);
  });
}
