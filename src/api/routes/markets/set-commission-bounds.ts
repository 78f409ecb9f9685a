import type { OpenAPIHono } from '@hono/zod-openapi';
import { CommissionBoundsInputSchema } from '../../../core/programs/input.js';
import { setMarketCommissionBounds } from '../../../core/programs/markets.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { MarketParamsSchema, MarketSchema, marketJson } from '../programs/schemas.js';

export const setMarketCommissionBoundsRoute = defineRoute({
  method: 'put',
  path: '/v1/programs/{programId}/markets/{marketId}/commission-bounds',
  operationId: 'setMarketCommissionBounds',
  tags: ['Markets'],
  summary: 'Set the upper bounds of a market’s commission terms',
  description:
    'The most a commission policy version of this market may pay: per signup, per sale (flat part and minimum) and as a share of a sale. ' +
    'Terms above them are refused with 400 `too_big` naming the field. Each bound left out or null is the default of the market’s currency. ' +
    'Admins only, audited; changing the market’s currency resets them to the new currency’s defaults.',
  access: ['admin'],
  request: {
    params: MarketParamsSchema,
    body: { required: true, content: { 'application/json': { schema: CommissionBoundsInputSchema } } },
  },
  responses: {
    200: { description: 'The market with its bounds.', content: { 'application/json': { schema: MarketSchema } } },
  },
});

export function registerSetMarketCommissionBounds(app: OpenAPIHono<AppEnv>) {
  return app.openapi(setMarketCommissionBoundsRoute, async (c) => {
    const { programId, marketId } = c.req.valid('param');
    return c.json(marketJson(await setMarketCommissionBounds(serviceContext(c), programId, marketId, c.req.valid('json'))), 200);
  });
}
