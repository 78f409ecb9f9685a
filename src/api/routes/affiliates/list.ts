import type { OpenAPIHono } from '@hono/zod-openapi';
import { AffiliateListQuerySchema, listAffiliates } from '../../../core/members/affiliates.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { AffiliateSchema, json, pageOf, ProgramParams } from '../members/schemas.js';

export const listAffiliatesRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates',
  operationId: 'listAffiliates',
  tags: ['Affiliates'],
  summary: 'List affiliates',
  description: 'Oldest member first, optionally by status. Regional managers see affiliates in their countries only.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams, query: AffiliateListQuerySchema },
  responses: { 200: json(pageOf(AffiliateSchema, 'AffiliatePage'), 'One page of affiliates.') },
});

export function registerListAffiliates(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listAffiliatesRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await listAffiliates(ctx, programId, c.req.valid('query')), 200);
  });
}
