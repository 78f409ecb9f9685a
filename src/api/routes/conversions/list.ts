import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ConversionListQuerySchema } from '../../../tracking/conversions/input.js';
import { listConversions } from '../../../tracking/conversions/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { pageSchema, pathParam } from '../../pagination.js';
import { ConversionSchema, json } from './schemas.js';

export const listConversionsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/conversions',
  operationId: 'listConversions',
  tags: ['Conversions'],
  summary: 'List conversions',
  description:
    'Oldest first. Regional managers see the conversions of markets in their countries; affiliates and members those that credit them, without the customer’s details.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: z.object({ programId: pathParam('programId') }), query: ConversionListQuerySchema },
  responses: { 200: json(pageSchema(ConversionSchema, 'ConversionPage'), 'One page of conversions.') },
});

export function registerListConversions(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listConversionsRoute, async (c) => {
    return c.json(await listConversions(serviceContext(c), c.req.valid('param').programId, c.req.valid('query')), 200);
  });
}
