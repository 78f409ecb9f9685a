import type { OpenAPIHono } from '@hono/zod-openapi';
import { MarketUpdateInputSchema } from '../../../core/programs/input.js';
import { updateMarket } from '../../../core/programs/markets.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { MarketParamsSchema, MarketSchema, marketJson } from '../programs/schemas.js';

export const updateMarketRoute = defineRoute({
  method: 'patch',
  path: '/v1/programs/{programId}/markets/{marketId}',
  operationId: 'updateMarket',
  tags: ['Markets'],
  summary: 'Change a market: currency, default locale, stage',
  description: 'Regional managers may change markets in their own countries only (403 `out_of_scope` otherwise).',
  access: ['admin', 'regional_manager'],
  request: {
    params: MarketParamsSchema,
    body: { required: true, content: { 'application/json': { schema: MarketUpdateInputSchema } } },
  },
  responses: {
    200: { description: 'The market after the change.', content: { 'application/json': { schema: MarketSchema } } },
  },
});

export function registerUpdateMarket(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateMarketRoute, async (c) => {
    const { programId, marketId } = c.req.valid('param');
    const market = await updateMarket(serviceContext(c), programId, marketId, c.req.valid('json'));
    return c.json(marketJson(market), 200);
  });
}
