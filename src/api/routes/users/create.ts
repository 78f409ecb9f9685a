import type { OpenAPIHono } from '@hono/zod-openapi';
import { UserCreateInputSchema } from '../../../core/users/input.js';
import { createUser } from '../../../core/users/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { UserSchema, userJson } from './schemas.js';

export const createUserRoute = defineRoute({
  method: 'post',
  path: '/v1/users',
  operationId: 'createUser',
  tags: ['Users'],
  summary: 'Create a dashboard user in your tenant',
  description:
    'Regional managers need `countries`; affiliates and members need `programId` and `memberId` (an affiliate\'s member must have an affiliate profile). A taken email is 409.',
  access: ['admin'],
  request: { body: { required: true, content: { 'application/json': { schema: UserCreateInputSchema } } } },
  responses: {
    201: { description: 'The new user.', content: { 'application/json': { schema: UserSchema } } },
  },
});

export function registerCreateUser(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createUserRoute, async (c) => {
    const user = await createUser(serviceContext(c), c.req.valid('json'));
    return c.json(userJson(user), 201);
  });
}
