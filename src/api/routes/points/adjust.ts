import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { adjustPoints } from '../../../core/points/adjust.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { IdempotencyHeaders, IdempotencyKeyField, json, MemberParams, PointsEntrySchema, resolveIdempotencyKey } from './schemas.js';

const AdjustBodySchema = z
  .object({
    points: z.number().int().min(-1_000_000_000_000).max(1_000_000_000_000).openapi({ description: 'Signed; not zero.' }),
    idempotencyKey: IdempotencyKeyField,
    reason: z.string().min(1).max(500),
    reference: z.string().min(1).max(200).optional(),
  })
  .strict()
  .openapi('AdjustPointsRequest');

export const adjustPointsRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members/{memberId}/points/adjust',
  operationId: 'adjustPoints',
  tags: ['Points'],
  summary: "Correct a member's points by hand",
  description: 'A negative adjustment never takes the balance below zero (422 insufficient_points).',
  access: ['admin', 'api_key'],
  request: {
    params: MemberParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: AdjustBodySchema } } },
  },
  responses: { 201: json(PointsEntrySchema, 'The adjust entry (also on a replay).') },
});

export function registerAdjustPoints(app: OpenAPIHono<AppEnv>) {
  return app.openapi(adjustPointsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { idempotencyKey, ...body } = c.req.valid('json');
    const key = resolveIdempotencyKey(idempotencyKey, c.req.valid('header')['idempotency-key']);
    return c.json(await adjustPoints(ctx, { ...c.req.valid('param'), ...body, idempotencyKey: key }), 201);
  });
}
