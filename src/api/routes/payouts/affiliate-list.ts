import type { OpenAPIHono } from '@hono/zod-openapi';
import { listAffiliatePayouts } from '../../../payouts/payouts/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema } from '../../pagination.js';
import { json, MemberParams, PayoutPageSchema } from './schemas.js';

export const listAffiliatePayoutsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates/{memberId}/payouts',
  operationId: 'listAffiliatePayouts',
  tags: ['Affiliates'],
  summary: 'List an affiliate’s payouts',
  description: 'Oldest first, failed ones with their reason. An affiliate reads their own only.',
  access: ['admin', 'affiliate'],
  request: { params: MemberParams, query: PageQuerySchema },
  responses: { 200: json(PayoutPageSchema, 'One page of payouts.') },
});

export function registerListAffiliatePayouts(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listAffiliatePayoutsRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await listAffiliatePayouts(serviceContext(c), programId, memberId, c.req.valid('query')), 200);
  });
}
