import type { OpenAPIHono } from '@hono/zod-openapi';
import { UpdateTierSchema } from '../../../core/tiers/tier-input.js';
import { updateTier } from '../../../core/tiers/tiers.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, TierParams, TierSchema, tierJson } from './schemas.js';

export const updateTierRoute = defineRoute({
  method: 'patch',
  path: '/v1/programs/{programId}/tiers/{tierId}',
  operationId: 'updateTier',
  tags: ['Tiers'],
  summary: 'Change a tier',
  description: 'Fields left out keep their value; a given qualification replaces the stored one whole.',
  access: ['admin'],
  request: { params: TierParams, body: { required: true, content: { 'application/json': { schema: UpdateTierSchema } } } },
  responses: { 200: json(TierSchema, 'The tier as changed.') },
});

export function registerUpdateTier(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateTierRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, tierId } = c.req.valid('param');
    return c.json(tierJson(await updateTier(ctx, { programId, tierId, patch: c.req.valid('json') })), 200);
  });
}
