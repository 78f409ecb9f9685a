import type { OpenAPIHono } from '@hono/zod-openapi';
import { getBalance } from '../../../core/points/balance.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, PointsBalanceSchema } from './schemas.js';

export const getPointsBalanceRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}/points',
  operationId: 'getPointsBalance',
  tags: ['Points'],
  summary: "A member's points balance",
  access: ['admin', 'regional_manager', 'affiliate', 'member', 'api_key'],
  request: { params: MemberParams },
  responses: { 200: json(PointsBalanceSchema, 'Available, pending and lifetime points, and what expires in the next 30 days.') },
});

export function registerGetPointsBalance(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getPointsBalanceRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    return c.json(await getBalance(ctx, programId, memberId), 200);
  });
}
