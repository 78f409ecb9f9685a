import type { OpenAPIHono } from '@hono/zod-openapi';
import { listMarkets } from '../../../core/programs/markets.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { MarketSchema, ProgramParamsSchema, marketJson } from '../programs/schemas.js';

const MarketsPageSchema = pageSchema(MarketSchema, 'MarketsPage');

export const listMarketsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/markets',
  operationId: 'listMarkets',
  tags: ['Markets'],
  summary: 'Markets (countries) of a program',
  access: ['admin', 'regional_manager', 'affiliate', 'member', 'api_key'],
  request: { params: ProgramParamsSchema, query: PageQuerySchema },
  responses: {
    200: { description: 'A page of markets, ordered by id.', content: { 'application/json': { schema: MarketsPageSchema } } },
  },
});

export function registerListMarkets(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listMarketsRoute, async (c) => {
    const page = await listMarkets(serviceContext(c), c.req.valid('param').programId, c.req.valid('query'));
    return c.json({ data: page.data.map(marketJson), nextCursor: page.nextCursor }, 200);
  });
}
