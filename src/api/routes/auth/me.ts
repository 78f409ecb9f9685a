import type { OpenAPIHono } from '@hono/zod-openapi';
import { getCurrentUser } from '../../../core/users/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { UserSchema, userJson } from '../users/schemas.js';

export const meRoute = defineRoute({
  method: 'get',
  path: '/v1/auth/me',
  operationId: 'getCurrentUser',
  tags: ['Auth'],
  summary: 'The logged-in user',
  access: ['admin', 'regional_manager', 'affiliate', 'member'],
  responses: {
    200: { description: 'The user the access token belongs to.', content: { 'application/json': { schema: UserSchema } } },
  },
});

export function registerMe(app: OpenAPIHono<AppEnv>) {
  return app.openapi(meRoute, async (c) => {
    const user = await getCurrentUser(serviceContext(c));
    return c.json(userJson(user), 200);
  });
}
