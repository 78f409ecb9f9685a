import type { OpenAPIHono } from '@hono/zod-openapi';
import { getMemberTier } from '../../../core/tiers/member-tier.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, MemberTierSchema, memberTierJson } from '../tiers/schemas.js';

export const getMemberTierRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}/tier',
  operationId: 'getMemberTier',
  tags: ['Tiers'],
  summary: "A member's tier, window metrics and progress to the next tier",
  description: 'Members and affiliates may read their own.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: MemberParams },
  responses: { 200: json(MemberTierSchema, 'Where the member stands.') },
});

export function registerGetMemberTier(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getMemberTierRoute, async (c) => {
    const ctx = serviceContext(c);
    return c.json(memberTierJson(await getMemberTier(ctx, c.req.valid('param'))), 200);
  });
}
