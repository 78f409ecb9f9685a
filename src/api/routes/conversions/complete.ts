import type { OpenAPIHono } from '@hono/zod-openapi';
import { completeConversion } from '../../../tracking/conversions/complete.js';
import { CompleteConversionInputSchema } from '../../../tracking/conversions/input.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { merchantCall } from './merchant.js';
import { ConversionParams, ConversionSchema, json, SignatureHeaders } from './schemas.js';

export const completeConversionRoute = defineRoute({
  method: 'post',
  path: '/v1/track/conversions/{conversionId}/complete',
  operationId: 'completeConversion',
  tags: ['Conversions'],
  summary: 'Mark a sale completed',
  description: 'A sale pays only once completed; the commission’s hold period starts now. Completing it again changes nothing; a cancelled sale answers 422.',
  access: ['api_key'],
  request: {
    params: ConversionParams,
    headers: SignatureHeaders,
    body: { required: false, content: { 'application/json': { schema: CompleteConversionInputSchema } } },
  },
  responses: { 200: json(ConversionSchema, 'The conversion, completed.') },
});

export function registerCompleteConversion(app: OpenAPIHono<AppEnv>) {
  return app.openapi(completeConversionRoute, async (c) => {
    const { ctx, programId } = await merchantCall(c);
    return c.json(await completeConversion(ctx, programId, c.req.valid('param').conversionId, c.req.valid('json') ?? {}), 200);
  });
}
