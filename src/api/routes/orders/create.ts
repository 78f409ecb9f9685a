import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { recordOrder } from '../../../core/points/orders.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberOrderSchema, MemberParams } from '../points/schemas.js';

const OrderBodySchema = z
  .object({
    externalId: z.string().min(1).max(200).openapi({ description: "The merchant's order id; also the idempotency key." }),
    amount: z.number().int().min(1).openapi({ description: 'Minor units.', example: 4999 }),
    currency: z.string().openapi({ example: 'EUR' }),
    occurredAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict()
  .openapi('RecordMemberOrderRequest');

export const recordMemberOrderRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members/{memberId}/orders',
  operationId: 'recordMemberOrder',
  tags: ['Orders'],
  summary: "Record a member's purchase and earn its points",
  description:
    'Earns floor(amount/100 x pointsPerUnit x tier multiplier). The externalId makes it idempotent: a replay returns the order, other details for the same externalId are 409 idempotency_key_reused.',
  access: ['admin', 'api_key'],
  request: { params: MemberParams, body: { required: true, content: { 'application/json': { schema: OrderBodySchema } } } },
  responses: { 201: json(MemberOrderSchema, 'The order (also on a replay).') },
});

export function registerRecordMemberOrder(app: OpenAPIHono<AppEnv>) {
  return app.openapi(recordMemberOrderRoute, async (c) => {
    const ctx = serviceContext(c);
    const { occurredAt, ...body } = c.req.valid('json');
    const order = await recordOrder(ctx, { ...c.req.valid('param'), ...body, ...(occurredAt ? { occurredAt: new Date(occurredAt) } : {}) });
    return c.json(order, 201);
  });
}
