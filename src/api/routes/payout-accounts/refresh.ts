import type { OpenAPIHono } from '@hono/zod-openapi';
import { refreshPayoutAccount } from '../../../payouts/accounts/get.js';
import { stripeClient } from '../../../payouts/stripe/client.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, PayoutAccountSchema } from './schemas.js';

export const refreshPayoutAccountRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/affiliates/{memberId}/payout-account/refresh',
  operationId: 'refreshPayoutAccount',
  tags: ['Payouts'],
  summary: 'Re-read the connected account from Stripe',
  description: 'Reads the account from Stripe now and stores its status: what the onboarding return page calls. 409 `payouts_manual_mode` without a Stripe key.',
  access: ['admin', 'affiliate'],
  request: { params: MemberParams },
  responses: { 200: json(PayoutAccountSchema, 'The account as Stripe has it now.') },
});

export function registerRefreshPayoutAccount(app: OpenAPIHono<AppEnv>) {
  return app.openapi(refreshPayoutAccountRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await refreshPayoutAccount(serviceContext(c), stripeClient(c.get('deps').config), programId, memberId), 200);
  });
}
