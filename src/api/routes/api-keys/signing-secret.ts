import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { rotateSigningSecret } from '../../../tracking/conversions/signature.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { pathParam } from '../../pagination.js';

const SigningSecretSchema = z
  .object({
    keyId: z.string(),
    programId: z.string(),
    signingSecret: z.string().openapi({ description: 'Shown this once. Sign merchant calls with it (docs/conversions.md).', example: 'tsig_...' }),
    rotatedAt: z.string(),
  })
  .openapi('ApiKeySigningSecret');

export const rotateApiKeySigningSecretRoute = defineRoute({
  method: 'post',
  path: '/v1/api-keys/{keyId}/signing-secret',
  operationId: 'rotateApiKeySigningSecret',
  tags: ['API keys'],
  summary: 'Issue (or rotate) the signing secret of an API key',
  description:
    'Merchant calls made with the key may carry a `Trellis-Signature` header computed with this secret; the program setting `conversions.requireSignature` makes it mandatory. ' +
    'A new secret replaces the previous one at once.',
  access: ['admin'],
  request: { params: z.object({ keyId: pathParam('keyId') }) },
  responses: { 201: { description: 'The new secret.', content: { 'application/json': { schema: SigningSecretSchema } } } },
});

export function registerRotateApiKeySigningSecret(app: OpenAPIHono<AppEnv>) {
  return app.openapi(rotateApiKeySigningSecretRoute, async (c) => {
    const { rotatedAt, ...secret } = await rotateSigningSecret(serviceContext(c), c.req.valid('param').keyId);
    c.header('Cache-Control', 'no-store');
    return c.json({ ...secret, rotatedAt: rotatedAt.toISOString() }, 201);
  });
}
