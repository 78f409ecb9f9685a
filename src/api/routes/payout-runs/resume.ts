import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { resumePayoutRun } from '../../../payouts/payouts/runs.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, PayoutRunSchema, RunParams } from '../payouts/schemas.js';

const ResumeResultSchema = z
  .object({ run: PayoutRunSchema, resumedPayoutIds: z.array(z.string()).openapi({ description: 'The Stripe payouts whose transfer was enqueued again.' }) })
  .openapi('PayoutRunResumed');

export const resumePayoutRunRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/payout-runs/{runId}/resume',
  operationId: 'resumePayoutRun',
  tags: ['Payouts'],
  summary: 'Resume a payout run',
  description:
    'Enqueues again the run’s assembly (if it never ran) and the transfer of each of its Stripe payouts not settled yet. Safe to repeat: each transfer first looks for the one Stripe may already have made, and reuses its idempotency key.',
  access: ['admin'],
  request: { params: RunParams },
  responses: { 202: json(ResumeResultSchema, 'What was enqueued.') },
});

export function registerResumePayoutRun(app: OpenAPIHono<AppEnv>) {
  return app.openapi(resumePayoutRunRoute, async (c) => {
    const { programId, runId } = c.req.valid('param');
    return c.json(await resumePayoutRun(serviceContext(c), programId, runId), 202);
  });
}
