import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { reverseEntry } from '../../../core/points/reverse.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { EntryParams, IdempotencyHeaders, IdempotencyKeyField, json, PointsEntrySchema, resolveIdempotencyKey } from './schemas.js';

const ReverseBodySchema = z
  .object({ idempotencyKey: IdempotencyKeyField, reason: z.string().min(1).max(500) })
  .strict()
  .openapi('ReversePointsEntryRequest');

export const reversePointsEntryRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/points/entries/{entryId}/reverse',
  operationId: 'reversePointsEntry',
  tags: ['Points'],
  summary: 'Undo an earn, redemption or adjustment',
  description:
    'An earn loses what is left of its lot (spent points are reported as shortfall); a redemption gets its points back. Each entry can be reversed once.',
  access: ['admin', 'api_key'],
  request: {
    params: EntryParams,
    headers: IdempotencyHeaders,
    body: { required: true, content: { 'application/json': { schema: ReverseBodySchema } } },
  },
  responses: { 201: json(PointsEntrySchema, 'The reverse entry (also on a replay).') },
});

export function registerReversePointsEntry(app: OpenAPIHono<AppEnv>) {
  return app.openapi(reversePointsEntryRoute, async (c) => {
    const ctx = serviceContext(c);
    const { idempotencyKey, reason } = c.req.valid('json');
    const key = resolveIdempotencyKey(idempotencyKey, c.req.valid('header')['idempotency-key']);
    return c.json(await reverseEntry(ctx, { ...c.req.valid('param'), reason, idempotencyKey: key }), 201);
  });
}
