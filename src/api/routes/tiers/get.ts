import type { OpenAPIHono } from '@hono/zod-openapi';
import { getTier } from '../../../core/tiers/tiers.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, TierParams, TierSchema, tierJson } from './schemas.js';

export const getTierRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/tiers/{tierId}',
  operationId: 'getTier',
  tags: ['Tiers'],
  summary: 'Get one tier',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: TierParams },
  responses: { 200: json(TierSchema, 'The tier.') },
});

export function registerGetTier(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getTierRoute, async (c) => {
    const ctx = serviceContext(c);
    return c.json(tierJson(await getTier(ctx, c.req.valid('param'))), 200);
  });
}
