import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listEntries } from '../../../core/points/balance.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, PointsEntryPageSchema } from './schemas.js';

export const listPointsEntriesRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}/points/entries',
  operationId: 'listPointsEntries',
  tags: ['Points'],
  summary: "A member's points ledger, oldest first",
  access: ['admin', 'regional_manager', 'affiliate', 'member', 'api_key'],
  request: {
    params: MemberParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), cursor: z.string().min(1).max(200).optional() }),
  },
  responses: { 200: json(PointsEntryPageSchema, 'One page of entries.') },
});

export function registerListPointsEntries(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listPointsEntriesRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    return c.json(await listEntries(ctx, programId, memberId, c.req.valid('query')), 200);
  });
}
