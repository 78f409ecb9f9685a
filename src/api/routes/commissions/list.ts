import type { OpenAPIHono } from '@hono/zod-openapi';
import { CommissionListQuerySchema } from '../../../payouts/commissions/input.js';
import { listCommissions } from '../../../payouts/commissions/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { CommissionPageSchema, json, ProgramParams } from './schemas.js';

export const listCommissionsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/commissions',
  operationId: 'listCommissions',
  tags: ['Commissions'],
  summary: 'List commissions',
  description:
    'Oldest first. Regional managers see the commissions of markets in their countries; affiliates and members their own, with the reasons any was held or decided.',
  access: ['admin', 'regional_manager', 'affiliate', 'member'],
  request: { params: ProgramParams, query: CommissionListQuerySchema },
  responses: { 200: json(CommissionPageSchema, 'One page of commissions.') },
});

export function registerListCommissions(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listCommissionsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await listCommissions(ctx, programId, c.req.valid('query')), 200);
  });
}
