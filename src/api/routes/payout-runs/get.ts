import type { OpenAPIHono } from '@hono/zod-openapi';
import { getPayoutRun } from '../../../payouts/payouts/runs.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, PayoutRunDetailSchema, RunParams } from '../payouts/schemas.js';

export const getPayoutRunRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/payout-runs/{runId}',
  operationId: 'getPayoutRun',
  tags: ['Payouts'],
  summary: 'Get a payout run',
  description: 'The run with its payouts; `summary.carried.balances` lists the balances it carried over and why (below_minimum, payout_account_missing, ...).',
  access: ['admin'],
  request: { params: RunParams },
  responses: { 200: json(PayoutRunDetailSchema, 'The run.') },
});

export function registerGetPayoutRun(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getPayoutRunRoute, async (c) => {
    const { programId, runId } = c.req.valid('param');
    return c.json(await getPayoutRun(serviceContext(c), programId, runId), 200);
  });
}
