import type { OpenAPIHono } from '@hono/zod-openapi';
import { CreateTierSchema } from '../../../core/tiers/tier-input.js';
import { createTier } from '../../../core/tiers/tiers.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, ProgramParams, TierSchema, tierJson } from './schemas.js';

export const createTierRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/tiers',
  operationId: 'createTier',
  tags: ['Tiers'],
  summary: 'Create a tier',
  description: 'Ranks are unique per program. Paid tiers need feeAmount, feeCurrency and validityDays and take no thresholds.',
  access: ['admin'],
  request: { params: ProgramParams, body: { required: true, content: { 'application/json': { schema: CreateTierSchema } } } },
  responses: { 201: json(TierSchema, 'The new tier.') },
});

export function registerCreateTier(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createTierRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(tierJson(await createTier(ctx, { programId, tier: c.req.valid('json') })), 201);
  });
}
