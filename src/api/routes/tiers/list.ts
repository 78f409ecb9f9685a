import type { OpenAPIHono } from '@hono/zod-openapi';
import { listTiers } from '../../../core/tiers/tiers.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema } from '../../pagination.js';
import { json, ProgramParams, TierPageSchema, tierJson } from './schemas.js';

export const listTiersRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/tiers',
  operationId: 'listTiers',
  tags: ['Tiers'],
  summary: "List a program's tiers",
  description: 'Members and affiliates may list the tiers of their own program.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: ProgramParams, query: PageQuerySchema },
  responses: { 200: json(TierPageSchema, 'A page of tiers, oldest first.') },
});

export function registerListTiers(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listTiersRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    const page = await listTiers(ctx, { programId, ...c.req.valid('query') });
    return c.json({ data: page.data.map(tierJson), nextCursor: page.nextCursor }, 200);
  });
}
