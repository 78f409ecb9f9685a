import type { OpenAPIHono } from '@hono/zod-openapi';
import { rejectHeldCommission } from '../../../payouts/commissions/decide.js';
import { CommissionDecisionInputSchema } from '../../../payouts/commissions/input.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { CommissionParams, CommissionSchema, json } from './schemas.js';

export const rejectHeldCommissionRoute = defineRoute({
  method: 'post',
  path: '/v1/commissions/{commissionId}/reject',
  operationId: 'rejectHeldCommission',
  tags: ['Commissions'],
  summary: 'Reject a held commission',
  description:
    'Refuses a commission held by fraud rules, for good, with a reason the partner reads. Rejecting again replays; a commission that is not held is 422. Regional managers decide commissions of their countries only (others are not found). Audited.',
  access: ['admin', 'regional_manager'],
  request: { params: CommissionParams, body: { required: true, content: { 'application/json': { schema: CommissionDecisionInputSchema } } } },
  responses: { 200: json(CommissionSchema, 'The rejected commission.') },
});

export function registerRejectHeldCommission(app: OpenAPIHono<AppEnv>) {
  return app.openapi(rejectHeldCommissionRoute, async (c) => {
    const ctx = serviceContext(c);
    const { commissionId } = c.req.valid('param');
    return c.json(await rejectHeldCommission(ctx, commissionId, c.req.valid('json')), 200);
  });
}
