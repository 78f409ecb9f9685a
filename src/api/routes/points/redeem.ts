import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { redeemPoints } from '../../../core/points/redeem.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { IdempotencyHeaders, IdempotencyKeyField, json, MemberParams, Points, PointsEntrySchema, resolveIdempotencyKey } from './schemas.js';

const RedeemBodySchema = z
  .object({
    points: Points,
    idempotencyKey: IdempotencyKeyField,
    reason: z.string().min(1).max(500).optional(),
    reference: z.string().min(1).max(200).optional(),
  })
  .strict()
  .openapi('RedeemPointsRequest');

export const redeemPointsRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members/{memberId}/points/redeem',
  operationId: 'redeemPoints',
  tags: ['Points'],
  summary: "Spend a member's points",
  description: 'Soonest-expiring points are spent first. Not enough spendable points is 422 insufficient_points and changes nothing.',
  access: ['admin', 'api_key'],
  request: {
    params: MemberParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: RedeemBodySchema } } },
  },
  responses: { 201: json(PointsEntrySchema, 'The redeem entry (also on a replay).') },
});

export function registerRedeemPoints(app: OpenAPIHono<AppEnv>) {
  return app.openapi(redeemPointsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { idempotencyKey, ...body } = c.req.valid('json');
    const key = resolveIdempotencyKey(idempotencyKey, c.req.valid('header')['idempotency-key']);
    return c.json(await redeemPoints(ctx, { ...c.req.valid('param'), ...body, idempotencyKey: key }), 201);
  });
}
