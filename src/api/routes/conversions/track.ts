import type { OpenAPIHono } from '@hono/zod-openapi';
import { TrackConversionInputSchema } from '../../../tracking/conversions/input.js';
import { trackParsedConversion } from '../../../tracking/conversions/track.js';
import { signReceipt } from '../../../transparency/log/receipts.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { REPLAY_HEADER, merchantCall } from './merchant.js';
import { json, SignatureHeaders, TrackedConversionSchema } from './schemas.js';

export const trackConversionRoute = defineRoute({
  method: 'post',
  path: '/v1/track/conversions',
  operationId: 'trackConversion',
  tags: ['Conversions'],
  summary: 'Report a signup or a sale',
  description:
    'Accepted at once (202); attribution, fraud rules, the commission and member rewards run as a job. The externalId is the idempotency key: ' +
    'a replay with the same payload returns the conversion (header `Idempotent-Replayed: true`), another payload is 409 `idempotency_key_reused`. ' +
    'An unknown click id is not an error: the conversion is recorded and stays unattributed. The email is hashed on arrival and never stored. ' +
    'The answer carries `receipt`, the transparency log\'s signed promise to include the conversion\'s entry.',
  access: ['api_key'],
  request: {
    headers: SignatureHeaders,
    body: { required: true, content: { 'application/json': { schema: TrackConversionInputSchema } } },
  },
  responses: { 202: json(TrackedConversionSchema, 'The conversion, accepted (also on a replay), with its log receipt.') },
});

export function registerTrackConversion(app: OpenAPIHono<AppEnv>) {
  return app.openapi(trackConversionRoute, async (c) => {
    const { ctx, programId } = await merchantCall(c);
    // The validator parsed the body with the service's own schema: no second parse.
    const deps = c.get('deps');
    const { conversion, replayed, accepted } = await trackParsedConversion(ctx, programId, c.req.valid('json'), { ipHasher: deps.tracking.ipHasher });
    if (replayed) c.header(REPLAY_HEADER, 'true');
    return c.json({ ...conversion, receipt: await signReceipt(deps.log, accepted) }, 202);
  });
}
