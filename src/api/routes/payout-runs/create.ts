import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { startPayoutRun } from '../../../payouts/payouts/runs.js';
import { payoutMethodOf } from '../../../payouts/stripe/client.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, ProgramParams, PayoutRunSchema } from '../payouts/schemas.js';

export const startPayoutRunRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/payout-runs',
  operationId: 'startPayoutRun',
  tags: ['Payouts'],
  summary: 'Start a payout run',
  description:
    'Pays every affiliate whose approved commissions (net of clawbacks) reach the minimum, per payout currency, through Stripe Connect or, without Stripe, as manual payouts for an admin to mark paid. ' +
    'The run is assembled by a job; this answers 202 with the run at once. One run at a time per program (409 `payout_run_in_progress`). A replayed `Idempotency-Key` returns the same run.',
  access: ['admin'],
  request: { params: ProgramParams, headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }) },
  responses: { 202: json(PayoutRunSchema, 'The run (also on a replay).') },
});

export function registerStartPayoutRun(app: OpenAPIHono<AppEnv>) {
  return app.openapi(startPayoutRunRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    const { run } = await startPayoutRun(ctx, programId, { method: payoutMethodOf(c.get('deps').config), idempotencyKey: c.req.valid('header')['idempotency-key'] });
    return c.json(run, 202);
  });
}
