import type { OpenAPIHono } from '@hono/zod-openapi';
import { RefundConversionInputSchema } from '../../../tracking/conversions/input.js';
import { refundConversion } from '../../../tracking/conversions/refund.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { REPLAY_HEADER, merchantCall } from './merchant.js';
import { ConversionParams, ConversionRefundSchema, json, SignatureHeaders } from './schemas.js';

export const refundConversionRoute = defineRoute({
  method: 'post',
  path: '/v1/track/conversions/{conversionId}/refunds',
  operationId: 'refundConversion',
  tags: ['Conversions'],
  summary: 'Refund a completed sale, fully or partly',
  description:
    'The refundId is the idempotency key: a replay returns the refund, the same refundId with another amount is 409. Before payment the commission shrinks pro rata; ' +
    'after payment a negative adjustment (clawback) goes into the next payout. A full refund also reverses the member rewards the purchase earned.',
  access: ['api_key'],
  request: {
    params: ConversionParams,
    headers: SignatureHeaders,
    body: { required: true, content: { 'application/json': { schema: RefundConversionInputSchema } } },
  },
  responses: { 201: json(ConversionRefundSchema, 'The refund (also on a replay), with the conversion as it is now.') },
});

export function registerRefundConversion(app: OpenAPIHono<AppEnv>) {
  return app.openapi(refundConversionRoute, async (c) => {
    const { ctx, programId } = await merchantCall(c);
    const { replayed, ...refund } = await refundConversion(ctx, programId, c.req.valid('param').conversionId, c.req.valid('json'));
    if (replayed) c.header(REPLAY_HEADER, 'true');
    return c.json(refund, 201);
  });
}
