import type { OpenAPIHono } from '@hono/zod-openapi';
import { revokeApiKey } from '../../../core/auth/api-keys.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ApiKeyParamsSchema, ApiKeySchema, apiKeyJson } from './schemas.js';

export const revokeApiKeyRoute = defineRoute({
  method: 'delete',
  path: '/v1/programs/{programId}/api-keys/{keyId}',
  operationId: 'revokeApiKey',
  tags: ['API keys'],
  summary: 'Revoke an API key',
  description: 'Requests with the key are refused (401) from now on. Revoking a revoked key changes nothing.',
  access: ['admin'],
  request: { params: ApiKeyParamsSchema },
  responses: {
    200: { description: 'The key, revoked.', content: { 'application/json': { schema: ApiKeySchema } } },
  },
});

export function registerRevokeApiKey(app: OpenAPIHono<AppEnv>) {
  return app.openapi(revokeApiKeyRoute, async (c) => {
    const { programId, keyId } = c.req.valid('param');
    const key = await revokeApiKey(serviceContext(c), { programId, keyId });
    return c.json(apiKeyJson(key), 200);
  });
}
