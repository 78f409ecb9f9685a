import type { OpenAPIHono } from '@hono/zod-openapi';
import { cancelConversion } from '../../../tracking/conversions/cancel.js';
import { CancelConversionInputSchema } from '../../../tracking/conversions/input.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { merchantCall } from './merchant.js';
import { ConversionParams, ConversionSchema, json, SignatureHeaders } from './schemas.js';

export const cancelConversionRoute = defineRoute({
  method: 'post',
  path: '/v1/track/conversions/{conversionId}/cancel',
  operationId: 'cancelConversion',
  tags: ['Conversions'],
  summary: 'Cancel a signup or a sale',
  description: 'Reverses its commission in full (a clawback once paid) and the member rewards it earned. Cancelling again changes nothing.',
  access: ['api_key'],
  request: {
    params: ConversionParams,
    headers: SignatureHeaders,
    body: { required: false, content: { 'application/json': { schema: CancelConversionInputSchema } } },
  },
  responses: { 200: json(ConversionSchema, 'The conversion, cancelled.') },
});

export function registerCancelConversion(app: OpenAPIHono<AppEnv>) {
  return app.openapi(cancelConversionRoute, async (c) => {
    const { ctx, programId } = await merchantCall(c);
    return c.json(await cancelConversion(ctx, programId, c.req.valid('param').conversionId, c.req.valid('json') ?? {}), 200);
  });
}
