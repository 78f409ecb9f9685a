import type { OpenAPIHono } from '@hono/zod-openapi';
import { PromoCodeCreateInputSchema } from '../../../tracking/promo-codes/input.js';
import { createPromoCode } from '../../../tracking/promo-codes/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, ProgramParams, PromoCodeSchema } from './schemas.js';

export const createPromoCodeRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/promo-codes',
  operationId: 'createPromoCode',
  tags: ['Promo codes'],
  summary: 'Create a promo code for an affiliate',
  description:
    'A conversion carrying the code is attributed to the affiliate when it has no click id or cookie that attributes it. Codes are unique per program, archived ones included (409). ' +
    'The partner must be an approved affiliate (422); regional managers create codes for affiliates in their countries.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams, body: { required: true, content: { 'application/json': { schema: PromoCodeCreateInputSchema } } } },
  responses: { 201: json(PromoCodeSchema, 'The promo code.') },
});

export function registerCreatePromoCode(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createPromoCodeRoute, async (c) => {
    return c.json(await createPromoCode(serviceContext(c), c.req.valid('param').programId, c.req.valid('json')), 201);
  });
}
