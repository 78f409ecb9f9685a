import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ROLES } from '../../../core/auth/actor.js';
import { listUsers } from '../../../core/users/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { UserSchema, userJson } from './schemas.js';

const UsersPageSchema = pageSchema(UserSchema, 'UsersPage');

export const listUsersRoute = defineRoute({
  method: 'get',
  path: '/v1/users',
  operationId: 'listUsers',
  tags: ['Users'],
  summary: 'Users of your tenant',
  access: ['admin'],
  request: {
    query: PageQuerySchema.extend({ role: z.enum(ROLES).optional().openapi({ param: { name: 'role', in: 'query' } }) }),
  },
  responses: {
    200: { description: 'A page of users, ordered by id.', content: { 'application/json': { schema: UsersPageSchema } } },
  },
});

export function registerListUsers(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listUsersRoute, async (c) => {
    const page = await listUsers(serviceContext(c), c.req.valid('query'));
    return c.json({ data: page.data.map(userJson), nextCursor: page.nextCursor }, 200);
  });
}
