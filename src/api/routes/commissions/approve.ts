import type { OpenAPIHono } from '@hono/zod-openapi';
import { approveHeldCommission } from '../../../payouts/commissions/decide.js';
import { CommissionDecisionInputSchema } from '../../../payouts/commissions/input.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { CommissionParams, CommissionSchema, json } from './schemas.js';

export const approveHeldCommissionRoute = defineRoute({
  method: 'post',
  path: '/v1/commissions/{commissionId}/approve',
  operationId: 'approveHeldCommission',
  tags: ['Commissions'],
  summary: 'Approve a held commission',
  description:
    'Releases a commission held by fraud rules (or a missing FX rate, which re-prices it) with a reason the partner reads. It becomes `approved` when its hold period has passed, else `pending` (a sale also waits for completion). Approving again replays; a commission that is not held is 422. Regional managers decide commissions of their countries only (others are not found). Audited.',
  access: ['admin', 'regional_manager'],
  request: { params: CommissionParams, body: { required: true, content: { 'application/json': { schema: CommissionDecisionInputSchema } } } },
  responses: { 200: json(CommissionSchema, 'The commission after the decision.') },
});

export function registerApproveHeldCommission(app: OpenAPIHono<AppEnv>) {
  return app.openapi(approveHeldCommissionRoute, async (c) => {
    const ctx = serviceContext(c);
    const { commissionId } = c.req.valid('param');
    return c.json(await approveHeldCommission(ctx, commissionId, c.req.valid('json')), 200);
  });
}
