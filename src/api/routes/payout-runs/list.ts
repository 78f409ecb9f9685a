import type { OpenAPIHono } from '@hono/zod-openapi';
import { listPayoutRuns } from '../../../payouts/payouts/runs.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema } from '../../pagination.js';
import { json, PayoutRunPageSchema, ProgramParams } from '../payouts/schemas.js';

export const listPayoutRunsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/payout-runs',
  operationId: 'listPayoutRuns',
  tags: ['Payouts'],
  summary: 'List payout runs',
  description: 'Newest first, with each run’s summary (payouts made and balances carried over, per currency).',
  access: ['admin'],
  request: { params: ProgramParams, query: PageQuerySchema },
  responses: { 200: json(PayoutRunPageSchema, 'One page of runs.') },
});

export function registerListPayoutRuns(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listPayoutRunsRoute, async (c) => {
    const { programId } = c.req.valid('param');
    return c.json(await listPayoutRuns(serviceContext(c), programId, c.req.valid('query')), 200);
  });
}
