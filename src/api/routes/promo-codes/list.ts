import type { OpenAPIHono } from '@hono/zod-openapi';
import { PromoCodeListQuerySchema } from '../../../tracking/promo-codes/input.js';
import { listPromoCodes } from '../../../tracking/promo-codes/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { pageSchema } from '../../pagination.js';
import { json, ProgramParams, PromoCodeSchema } from './schemas.js';

export const listPromoCodesRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/promo-codes',
  operationId: 'listPromoCodes',
  tags: ['Promo codes'],
  summary: 'List promo codes',
  description: 'Oldest first. Affiliates see their own codes, regional managers those of affiliates in their countries.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate'],
  request: { params: ProgramParams, query: PromoCodeListQuerySchema },
  responses: { 200: json(pageSchema(PromoCodeSchema, 'PromoCodePage'), 'One page of promo codes.') },
});

export function registerListPromoCodes(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listPromoCodesRoute, async (c) => {
    return c.json(await listPromoCodes(serviceContext(c), c.req.valid('param').programId, c.req.valid('query')), 200);
  });
}
