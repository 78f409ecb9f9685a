import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { refundOrder } from '../../../core/points/refunds.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { IdempotencyHeaders, IdempotencyKeyField, json, OrderParams, OrderRefundSchema, resolveIdempotencyKey } from '../points/schemas.js';

const RefundBodySchema = z
  .object({ amount: z.number().int().min(1).openapi({ description: 'Minor units.' }), idempotencyKey: IdempotencyKeyField })
  .strict()
  .openapi('RefundMemberOrderRequest');

export const refundMemberOrderRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members/{memberId}/orders/{orderId}/refunds',
  operationId: 'refundMemberOrder',
  tags: ['Orders'],
  summary: 'Refund an order fully or partly',
  description:
    "Takes back the order's points pro rata. Points already spent are taken from the member's other spendable points; what is still missing is not taken (balances never go negative) and is reported as pointsShortfall.",
  access: ['admin', 'api_key'],
  request: {
    params: OrderParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: RefundBodySchema } } },
  },
  responses: { 201: json(OrderRefundSchema, 'The refund (also on a replay).') },
});

export function registerRefundMemberOrder(app: OpenAPIHono<AppEnv>) {
  return app.openapi(refundMemberOrderRoute, async (c) => {
    const ctx = serviceContext(c);
    const { amount, idempotencyKey } = c.req.valid('json');
    const key = resolveIdempotencyKey(idempotencyKey, c.req.valid('header')['idempotency-key']);
    return c.json(await refundOrder(ctx, { ...c.req.valid('param'), amount, idempotencyKey: key }), 201);
  });
}
