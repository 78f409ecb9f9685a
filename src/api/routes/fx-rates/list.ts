import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listFxRates } from '../../../payouts/fx-rates.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema } from '../../pagination.js';
import { FxRateSchema, fxRateJson, json } from './schemas.js';

const currencyParam = (name: string, description: string) =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code in upper case, e.g. EUR')
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: 'EUR' });

const FxRateListQuerySchema = PageQuerySchema.extend({
  base: currencyParam('base', 'Only rates from this currency.'),
  quote: currencyParam('quote', 'Only rates to this currency.'),
});

export const listFxRatesRoute = defineRoute({
  method: 'get',
  path: '/v1/fx-rates',
  operationId: 'listFxRates',
  tags: ['Exchange rates'],
  summary: 'Exchange rates',
  description: 'Ordered by id (the order they were set in).',
  access: ['admin', 'regional_manager'],
  request: { query: FxRateListQuerySchema },
  responses: { 200: json(pageSchema(FxRateSchema, 'FxRatePage'), 'A page of rates.') },
});

export function registerListFxRates(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listFxRatesRoute, async (c) => {
    const page = await listFxRates(serviceContext(c), c.req.valid('query'));
    return c.json({ data: page.data.map(fxRateJson), nextCursor: page.nextCursor }, 200);
  });
}
