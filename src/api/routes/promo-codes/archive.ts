import type { OpenAPIHono } from '@hono/zod-openapi';
import { archivePromoCode } from '../../../tracking/promo-codes/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, PromoCodeParams, PromoCodeSchema } from './schemas.js';

export const archivePromoCodeRoute = defineRoute({
  method: 'post',
  path: '/v1/promo-codes/{promoCodeId}/archive',
  operationId: 'archivePromoCode',
  tags: ['Promo codes'],
  summary: 'Archive a promo code',
  description: 'Conversions carrying an archived code are not attributed by it. The code stays taken. Archiving twice changes nothing.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: PromoCodeParams },
  responses: { 200: json(PromoCodeSchema, 'The archived promo code.') },
});

export function registerArchivePromoCode(app: OpenAPIHono<AppEnv>) {
  return app.openapi(archivePromoCodeRoute, async (c) => {
    return c.json(await archivePromoCode(serviceContext(c), c.req.valid('param').promoCodeId), 200);
  });
}
