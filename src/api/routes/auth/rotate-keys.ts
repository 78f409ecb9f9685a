import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { rotateSigningKey } from '../../../core/auth/signing-keys.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';

const RotationSchema = z
  .object({
    kid: z.string().openapi({ description: 'The key id new tokens are signed with.' }),
    retired: z.array(z.string()).openapi({ description: 'Key ids retired now; their tokens stay valid until they expire.' }),
  })
  .openapi('SigningKeyRotation');

export const rotateKeysRoute = defineRoute({
  method: 'post',
  path: '/v1/auth/keys/rotate',
  operationId: 'rotateSigningKey',
  tags: ['Auth'],
  summary: 'Rotate the access-token signing key',
  description:
    'New tokens are signed with a new key at once; tokens the old key signed keep working until they expire, so nobody is logged out. The old key verifies for ACCESS_TOKEN_TTL_SECONDS after the rotation, then never again, and never a token issued after the rotation (other API processes apply the rotation within 30 s).',
  access: ['admin'],
  responses: {
    200: { description: 'The new key id.', content: { 'application/json': { schema: RotationSchema } } },
  },
});

export function registerRotateKeys(app: OpenAPIHono<AppEnv>) {
  return app.openapi(rotateKeysRoute, async (c) => {
    const result = await rotateSigningKey(serviceContext(c), c.get('deps').tokens);
    return c.json(result, 200);
  });
}
