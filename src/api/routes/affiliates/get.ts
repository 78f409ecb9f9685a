import type { OpenAPIHono } from '@hono/zod-openapi';
import { getAffiliate } from '../../../core/members/affiliates.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { AffiliateSchema, json, MemberParams } from '../members/schemas.js';

export const getAffiliateRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates/{memberId}',
  operationId: 'getAffiliate',
  tags: ['Affiliates'],
  summary: 'Get an affiliate',
  description: 'An affiliate may read their own profile only; any other id is not found.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate'],
  request: { params: MemberParams },
  responses: { 200: json(AffiliateSchema, 'The affiliate.') },
});

export function registerGetAffiliate(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getAffiliateRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    return c.json(await getAffiliate(ctx, programId, memberId), 200);
  });
}
