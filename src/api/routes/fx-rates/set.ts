import type { OpenAPIHono } from '@hono/zod-openapi';
import { FxRateInputSchema, setFxRate } from '../../../payouts/fx-rates.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { FxRateSchema, fxRateJson, json } from './schemas.js';

export const setFxRateRoute = defineRoute({
  method: 'put',
  path: '/v1/fx-rates',
  operationId: 'setFxRate',
  tags: ['Exchange rates'],
  summary: 'Set an exchange rate from a moment on',
  description:
    'Rates are directional (USD->EUR says nothing about EUR->USD) and in force from `effectiveAt` until the next rate of the pair. ' +
    'Commissions record the rate they used, so a rate is never edited: the same pair, moment and rate again answers the existing rate (200); ' +
    'another rate for the same moment is 409.',
  access: ['admin'],
  request: { body: { required: true, content: { 'application/json': { schema: FxRateInputSchema } } } },
  responses: {
    201: json(FxRateSchema, 'The new rate.'),
    200: json(FxRateSchema, 'The same rate was already set for that moment.'),
  },
});

export function registerSetFxRate(app: OpenAPIHono<AppEnv>) {
  return app.openapi(setFxRateRoute, async (c) => {
    const { rate, created } = await setFxRate(serviceContext(c), c.req.valid('json'));
    return created ? c.json(fxRateJson(rate), 201) : c.json(fxRateJson(rate), 200);
  });
}
