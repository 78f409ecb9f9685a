import type { OpenAPIHono } from '@hono/zod-openapi';
import { getUser } from '../../../core/users/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { UserParamsSchema, UserSchema, userJson } from './schemas.js';

export const getUserRoute = defineRoute({
  method: 'get',
  path: '/v1/users/{userId}',
  operationId: 'getUser',
  tags: ['Users'],
  summary: 'One user of your tenant',
  access: ['admin'],
  request: { params: UserParamsSchema },
  responses: {
    200: { description: 'The user.', content: { 'application/json': { schema: UserSchema } } },
  },
});

export function registerGetUser(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getUserRoute, async (c) => {
    const user = await getUser(serviceContext(c), c.req.valid('param').userId);
    return c.json(userJson(user), 200);
  });
}
