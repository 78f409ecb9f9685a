import type { OpenAPIHono } from '@hono/zod-openapi';
import { getConversion } from '../../../tracking/conversions/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ConversionParams, ConversionSchema, json } from './schemas.js';

export const getConversionRoute = defineRoute({
  method: 'get',
  path: '/v1/conversions/{conversionId}',
  operationId: 'getConversion',
  tags: ['Conversions'],
  summary: 'Get a conversion',
  description: 'By id; the program’s API key may also use its externalId. Scope as in listConversions; anything else is 404.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: ConversionParams },
  responses: { 200: json(ConversionSchema, 'The conversion.') },
});

export function registerGetConversion(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getConversionRoute, async (c) => {
    return c.json(await getConversion(serviceContext(c), c.req.valid('param').conversionId), 200);
  });
}
