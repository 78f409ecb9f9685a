import type { OpenAPIHono } from '@hono/zod-openapi';
import { AffiliateDecisionInputSchema, decideAffiliate } from '../../../core/members/affiliates.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { AffiliateSchema, json, MemberParams } from '../members/schemas.js';

export const decideAffiliateRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/affiliates/{memberId}/decision',
  operationId: 'decideAffiliate',
  tags: ['Affiliates'],
  summary: 'Approve, reject or ban an affiliate',
  description: 'A reason is required to reject or ban. Only an admin can lift a ban (403 otherwise); a move the lifecycle does not allow is 422.',
  access: ['admin', 'regional_manager'],
  request: { params: MemberParams, body: { required: true, content: { 'application/json': { schema: AffiliateDecisionInputSchema } } } },
  responses: { 200: json(AffiliateSchema, 'The affiliate with its new status.') },
});

export function registerDecideAffiliate(app: OpenAPIHono<AppEnv>) {
  return app.openapi(decideAffiliateRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    return c.json(await decideAffiliate(ctx, programId, memberId, c.req.valid('json')), 200);
  });
}
