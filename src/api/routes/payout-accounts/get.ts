import type { OpenAPIHono } from '@hono/zod-openapi';
import { getPayoutAccount } from '../../../payouts/accounts/get.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, PayoutAccountSchema } from './schemas.js';

export const getPayoutAccountRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates/{memberId}/payout-account',
  operationId: 'getPayoutAccount',
  tags: ['Payouts'],
  summary: 'Get an affiliate’s connected Stripe account',
  description: 'As last heard from Stripe (webhooks, refresh). Not found when the affiliate has not connected one. An affiliate reads their own only.',
  access: ['admin', 'regional_manager', 'affiliate'],
  request: { params: MemberParams },
  responses: { 200: json(PayoutAccountSchema, 'The connected account.') },
});

export function registerGetPayoutAccount(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getPayoutAccountRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await getPayoutAccount(serviceContext(c), programId, memberId), 200);
  });
}
