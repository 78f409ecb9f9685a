import type { OpenAPIHono } from '@hono/zod-openapi';
import { AffiliateCreateInputSchema, createAffiliate } from '../../../core/members/affiliates.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { AffiliateSchema, json, ProgramParams } from '../members/schemas.js';

export const createAffiliateRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/affiliates',
  operationId: 'createAffiliate',
  tags: ['Affiliates'],
  summary: 'Enrol an affiliate',
  description: 'Give `member` to create a new member with an affiliate profile, or `memberId` to make an existing member an affiliate (409 if it already is one).',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams, body: { required: true, content: { 'application/json': { schema: AffiliateCreateInputSchema } } } },
  responses: { 201: json(AffiliateSchema, 'The affiliate.') },
});

export function registerCreateAffiliate(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createAffiliateRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await createAffiliate(ctx, programId, c.req.valid('json')), 201);
  });
}
