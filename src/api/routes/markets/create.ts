import type { OpenAPIHono } from '@hono/zod-openapi';
import { MarketCreateInputSchema } from '../../../core/programs/input.js';
import { createMarket } from '../../../core/programs/markets.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { MarketSchema, ProgramParamsSchema, marketJson } from '../programs/schemas.js';

export const createMarketRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/markets',
  operationId: 'createMarket',
  tags: ['Markets'],
  summary: 'Open a market (country) in a program',
  description: 'One market per country; a second one for the same country is 409.',
  access: ['admin'],
  request: {
    params: ProgramParamsSchema,
    body: { required: true, content: { 'application/json': { schema: MarketCreateInputSchema } } },
  },
  responses: {
    201: { description: 'The new market.', content: { 'application/json': { schema: MarketSchema } } },
  },
});

export function registerCreateMarket(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createMarketRoute, async (c) => {
    const market = await createMarket(serviceContext(c), c.req.valid('param').programId, c.req.valid('json'));
    return c.json(marketJson(market), 201);
  });
}
