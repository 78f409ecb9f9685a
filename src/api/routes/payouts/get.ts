import type { OpenAPIHono } from '@hono/zod-openapi';
import { getPayout } from '../../../payouts/payouts/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, PayoutParams, PayoutSchema } from './schemas.js';

export const getPayoutRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/payouts/{payoutId}',
  operationId: 'getPayout',
  tags: ['Payouts'],
  summary: 'Get a payout',
  description: 'The payout with the commissions it settles. An affiliate reads their own payouts only (others are not found).',
  access: ['admin', 'affiliate'],
  request: { params: PayoutParams },
  responses: { 200: json(PayoutSchema, 'The payout with its items.') },
});

export function registerGetPayout(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getPayoutRoute, async (c) => {
    const { programId, payoutId } = c.req.valid('param');
    return c.json(await getPayout(serviceContext(c), programId, payoutId), 200);
  });
}
