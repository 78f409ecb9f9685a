import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { createApiKey } from '../../../core/auth/api-keys.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ProgramParamsSchema } from '../programs/schemas.js';
import { ApiKeySchema, apiKeyJson } from './schemas.js';

const ApiKeyCreateInputSchema = z.strictObject({ name: z.string().trim().min(1).max(100).openapi({ example: 'Shop backend' }) }).openapi('ApiKeyCreateInput');

const CreatedApiKeySchema = ApiKeySchema.extend({
  secret: z.string().openapi({ description: 'Shown this once; only a hash is stored.', example: 'trl_...' }),
}).openapi('CreatedApiKey');

export const createApiKeyRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/api-keys',
  operationId: 'createApiKey',
  tags: ['API keys'],
  summary: 'Create a merchant API key for a program',
  description: 'The secret is in this response only. Send it as `Authorization: Bearer <secret>` or `X-Api-Key`.',
  access: ['admin'],
  request: {
    params: ProgramParamsSchema,
    body: { required: true, content: { 'application/json': { schema: ApiKeyCreateInputSchema } } },
  },
  responses: {
    201: { description: 'The key, with its secret.', content: { 'application/json': { schema: CreatedApiKeySchema } } },
  },
});

export function registerCreateApiKey(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createApiKeyRoute, async (c) => {
    const { programId } = c.req.valid('param');
    const { secret, ...key } = await createApiKey(serviceContext(c), { programId, name: c.req.valid('json').name });
    c.header('Cache-Control', 'no-store');
    return c.json({ ...apiKeyJson(key), secret }, 201);
  });
}
