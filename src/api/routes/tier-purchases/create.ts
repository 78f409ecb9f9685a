import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { purchaseTier } from '../../../core/tiers/purchases.js';
import { ValidationError } from '../../../errors.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, TierPurchaseSchema, tierPurchaseJson } from '../tiers/schemas.js';

const PurchaseBodySchema = z
  .object({
    tierId: z.string().min(1).max(100),
    idempotencyKey: z.string().min(1).max(200).optional().openapi({ description: 'Or the Idempotency-Key header.' }),
    paymentReference: z.string().min(1).max(200).openapi({ description: "The payment provider's reference for the fee." }),
  })
  .strict()
  .openapi('TierPurchaseRequest');

export const createTierPurchaseRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members/{memberId}/tier-purchases',
  operationId: 'createTierPurchase',
  tags: ['Tiers'],
  summary: 'Record a paid tier bought for a member',
  description:
    'The member holds the tier for its validityDays from now; renewing the tier they hold extends from its current expiry. ' +
    'A replayed idempotency key returns the first result; the same key with another payload is 409 idempotency_key_reused.',
  access: ['admin', 'api_key'],
  request: {
    params: MemberParams,
    headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
    body: { required: true, content: { 'application/json': { schema: PurchaseBodySchema } } },
  },
  responses: { 201: json(TierPurchaseSchema, 'The purchase (also on a replay).') },
});

export function registerCreateTierPurchase(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createTierPurchaseRoute, async (c) => {
    const ctx = serviceContext(c);
    const body = c.req.valid('json');
    const header = c.req.valid('header')['idempotency-key'];
    if (body.idempotencyKey && header && body.idempotencyKey !== header) {
      throw new ValidationError([{ field: 'idempotencyKey', reason: 'differs from the Idempotency-Key header' }]);
    }
    const { purchase } = await purchaseTier(ctx, { ...c.req.valid('param'), ...body, idempotencyKey: body.idempotencyKey ?? header ?? '' });
    return c.json(tierPurchaseJson(purchase), 201);
  });
}
