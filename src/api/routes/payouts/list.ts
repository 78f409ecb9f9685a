import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { listPayouts, PAYOUT_STATUSES } from '../../../payouts/payouts/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema } from '../../pagination.js';
import { json, PayoutPageSchema, ProgramParams } from './schemas.js';

const PayoutListQuery = PageQuerySchema.extend({
  status: z.enum(PAYOUT_STATUSES).optional().openapi({ param: { name: 'status', in: 'query' } }),
  partnerMemberId: z.string().min(1).max(64).optional().openapi({ param: { name: 'partnerMemberId', in: 'query' } }),
  runId: z.string().min(1).max(64).optional().openapi({ param: { name: 'runId', in: 'query' } }),
});

export const listPayoutsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/payouts',
  operationId: 'listPayouts',
  tags: ['Payouts'],
  summary: 'List payouts',
  description: 'Oldest first, by status, affiliate or run. Failed payouts carry their reason (`failureCode`, `failureMessage`).',
  access: ['admin'],
  request: { params: ProgramParams, query: PayoutListQuery },
  responses: { 200: json(PayoutPageSchema, 'One page of payouts.') },
});

export function registerListPayouts(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listPayoutsRoute, async (c) => {
    const { programId } = c.req.valid('param');
    return c.json(await listPayouts(serviceContext(c), programId, c.req.valid('query')), 200);
  });
}
