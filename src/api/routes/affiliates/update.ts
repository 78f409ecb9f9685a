import type { OpenAPIHono } from '@hono/zod-openapi';
import { AffiliateUpdateInputSchema, updateAffiliate } from '../../../core/members/affiliates.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { AffiliateSchema, json, MemberParams } from '../members/schemas.js';

export const updateAffiliateRoute = defineRoute({
  method: 'patch',
  path: '/v1/programs/{programId}/affiliates/{memberId}',
  operationId: 'updateAffiliate',
  tags: ['Affiliates'],
  summary: "Update an affiliate's website and payout details",
  description: 'An affiliate may update their own profile only.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate'],
  request: { params: MemberParams, body: { required: true, content: { 'application/json': { schema: AffiliateUpdateInputSchema } } } },
  responses: { 200: json(AffiliateSchema, 'The updated affiliate.') },
});

export function registerUpdateAffiliate(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateAffiliateRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    return c.json(await updateAffiliate(ctx, programId, memberId, c.req.valid('json')), 200);
  });
}
