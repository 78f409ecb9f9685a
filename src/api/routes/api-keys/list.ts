import type { OpenAPIHono } from '@hono/zod-openapi';
import { listApiKeys } from '../../../core/auth/api-keys.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { ProgramParamsSchema } from '../programs/schemas.js';
import { ApiKeySchema, apiKeyJson } from './schemas.js';

const ApiKeysPageSchema = pageSchema(ApiKeySchema, 'ApiKeysPage');

export const listApiKeysRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/api-keys',
  operationId: 'listApiKeys',
  tags: ['API keys'],
  summary: 'API keys of a program, revoked ones included (never their secrets)',
  access: ['admin'],
  request: { params: ProgramParamsSchema, query: PageQuerySchema },
  responses: {
    200: { description: 'A page of keys, ordered by id.', content: { 'application/json': { schema: ApiKeysPageSchema } } },
  },
});

export function registerListApiKeys(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listApiKeysRoute, async (c) => {
    const page = await listApiKeys(serviceContext(c), c.req.valid('param').programId, c.req.valid('query'));
    return c.json({ data: page.data.map(apiKeyJson), nextCursor: page.nextCursor }, 200);
  });
}
