import type { OpenAPIHono } from '@hono/zod-openapi';
import { listTierHistory } from '../../../core/tiers/member-tier.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema } from '../../pagination.js';
import { json, MemberParams, TierHistoryPageSchema, tierHistoryJson } from '../tiers/schemas.js';

export const listTierHistoryRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}/tier-history',
  operationId: 'listTierHistory',
  tags: ['Tiers'],
  summary: "A member's tier changes",
  description: 'Members and affiliates may read their own.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: MemberParams, query: PageQuerySchema },
  responses: { 200: json(TierHistoryPageSchema, 'A page of tier changes, oldest first.') },
});

export function registerListTierHistory(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listTierHistoryRoute, async (c) => {
    const ctx = serviceContext(c);
    const page = await listTierHistory(ctx, { ...c.req.valid('param'), ...c.req.valid('query') });
    return c.json({ data: page.data.map(tierHistoryJson), nextCursor: page.nextCursor }, 200);
  });
}
