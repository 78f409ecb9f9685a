import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listPointsHistory } from '../../../core/points/history.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { json, MemberParams, PointsEntrySchema } from './schemas.js';

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const PointsHistoryItemSchema = PointsEntrySchema.extend({
  lot: z
    .object({
      remaining: z.number().int(),
      state: z.enum(['pending', 'available', 'closed']),
      availableAt: Timestamp,
      expiresAt: Timestamp.nullable(),
      expiringSoon: z.boolean().openapi({ description: 'Unspent points of this credit expire within the next 30 days.' }),
    })
    .nullable()
    .openapi({ description: 'What is left of the points a credit (earn, positive adjustment) opened; null for debits.' }),
}).openapi('PointsHistoryItem');

export const listPointsHistoryRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}/points/history',
  operationId: 'listPointsHistory',
  tags: ['Points'],
  summary: "A member's points history, newest first, with what is left of each credit",
  description: 'For statements and the member dashboard; `entries` is the oldest-first ledger.',
  access: ['admin', 'regional_manager', 'affiliate', 'member', 'api_key'],
  request: { params: MemberParams, query: PageQuerySchema },
  responses: { 200: json(pageSchema(PointsHistoryItemSchema, 'PointsHistoryPage'), 'One page of entries.') },
});

export function registerListPointsHistory(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listPointsHistoryRoute, async (c) => {
    const ctx = serviceContext(c);
    return c.json(await listPointsHistory(ctx, { ...c.req.valid('param'), ...c.req.valid('query') }), 200);
  });
}
