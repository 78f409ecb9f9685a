import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { markPayoutPaid } from '../../../payouts/payouts/manual.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, PayoutParams, PayoutSchema } from './schemas.js';

const MarkPaidBody = z
  .object({ reference: z.string().trim().min(1).max(200).openapi({ description: 'The bank transfer or payment reference.', example: 'SEPA-2026-11-0042' }) })
  .strict()
  .openapi('MarkPayoutPaidRequest');

export const markPayoutPaidRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/payouts/{payoutId}/mark-paid',
  operationId: 'markPayoutPaid',
  tags: ['Payouts'],
  summary: 'Mark a manual payout paid',
  description:
    'Manual mode (no Stripe): records that the admin paid the affiliate, with the payment reference. The payout and its commissions become paid and are logged (`commission.paid`, `payout.paid`). ' +
    'Replaying with the same reference returns the payout; another reference, or a Stripe payout, is 409.',
  access: ['admin'],
  request: { params: PayoutParams, body: { required: true, content: { 'application/json': { schema: MarkPaidBody } } } },
  responses: { 200: json(PayoutSchema, 'The paid payout.') },
});

export function registerMarkPayoutPaid(app: OpenAPIHono<AppEnv>) {
  return app.openapi(markPayoutPaidRoute, async (c) => {
    const { programId, payoutId } = c.req.valid('param');
    return c.json(await markPayoutPaid(serviceContext(c), programId, payoutId, c.req.valid('json')), 200);
  });
}
