import type { OpenAPIHono } from '@hono/zod-openapi';
import { getCommission } from '../../../payouts/commissions/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { CommissionParams, CommissionSchema, json } from './schemas.js';

export const getCommissionRoute = defineRoute({
  method: 'get',
  path: '/v1/commissions/{commissionId}',
  operationId: 'getCommission',
  tags: ['Commissions'],
  summary: 'Get a commission',
  description: 'A commission the caller may not see (another partner’s, another market’s, another program’s) is not found.',
  access: ['admin', 'regional_manager', 'affiliate', 'member'],
  request: { params: CommissionParams },
  responses: { 200: json(CommissionSchema, 'The commission.') },
});

export function registerGetCommission(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getCommissionRoute, async (c) => {
    const ctx = serviceContext(c);
    const { commissionId } = c.req.valid('param');
    return c.json(await getCommission(ctx, commissionId), 200);
  });
}
