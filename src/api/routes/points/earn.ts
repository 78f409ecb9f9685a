import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { earnPoints } from '../../../core/points/earn.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { IdempotencyHeaders, IdempotencyKeyField, json, MemberParams, Points, PointsEntrySchema, resolveIdempotencyKey } from './schemas.js';

const EarnBodySchema = z
  .object({
    points: Points,
    idempotencyKey: IdempotencyKeyField,
    reason: z.string().min(1).max(500).optional(),
    reference: z.string().min(1).max(200).optional(),
    pendingDays: z.number().int().min(0).max(365).optional().openapi({ description: 'Defaults to the program setting.' }),
    expiresAt: z.string().datetime({ offset: true }).nullable().optional().openapi({ description: 'null: never expires. Defaults to the program setting.' }),
  })
  .strict()
  .openapi('EarnPointsRequest');

export const earnPointsRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members/{memberId}/points/earn',
  operationId: 'earnPoints',
  tags: ['Points'],
  summary: 'Credit points to a member',
  description: 'A replayed idempotency key returns the first result; the same key with another payload is 409 idempotency_key_reused.',
  access: ['admin', 'api_key'],
  request: {
    params: MemberParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: EarnBodySchema } } },
  },
  responses: { 201: json(PointsEntrySchema, 'The earn entry (also on a replay).') },
});

export function registerEarnPoints(app: OpenAPIHono<AppEnv>) {
  return app.openapi(earnPointsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { idempotencyKey, expiresAt, ...body } = c.req.valid('json');
    const key = resolveIdempotencyKey(idempotencyKey, c.req.valid('header')['idempotency-key']);
    const entry = await earnPoints(ctx, {
      ...c.req.valid('param'),
      ...body,
      idempotencyKey: key,
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt === null ? null : new Date(expiresAt) }),
    });
    return c.json(entry, 201);
  });
}
