import type { OpenAPIHono } from '@hono/zod-openapi';
import { UserUpdateInputSchema } from '../../../core/users/input.js';
import { updateUser } from '../../../core/users/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { UserParamsSchema, UserSchema, userJson } from './schemas.js';

export const updateUserRoute = defineRoute({
  method: 'patch',
  path: '/v1/users/{userId}',
  operationId: 'updateUser',
  tags: ['Users'],
  summary: 'Change a user: name, email, role and its scope, status, password',
  description: 'Setting `status` to `disabled` refuses further logins. You cannot disable yourself or change your own role (422).',
  access: ['admin'],
  request: {
    params: UserParamsSchema,
    body: { required: true, content: { 'application/json': { schema: UserUpdateInputSchema } } },
  },
  responses: {
    200: { description: 'The user after the change.', content: { 'application/json': { schema: UserSchema } } },
  },
});

export function registerUpdateUser(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateUserRoute, async (c) => {
    const user = await updateUser(serviceContext(c), c.req.valid('param').userId, c.req.valid('json'));
    return c.json(userJson(user), 200);
  });
}
