import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { rotateLogKey } from '../../../transparency/log/rotate.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';

const LogKeyRotationSchema = z
  .object({
    kid: z.string().openapi({ description: 'The key id checkpoints and receipts are signed with from now on.' }),
    vkey: z.string().openapi({ description: 'The new key’s C2SP vkey, as `GET /log/vkey` shows it.' }),
    retiredKid: z.string().nullable().openapi({ description: 'The key retired now; it stays in the JWKS, so what it signed still verifies.' }),
    overlapUntil: z.string().openapi({ description: 'Until then checkpoints carry the retired key’s signature too.' }),
  })
  .openapi('LogKeyRotation');

export const rotateLogKeyRoute = defineRoute({
  method: 'post',
  path: '/v1/log/keys/rotate',
  operationId: 'rotateLogKey',
  tags: ['Transparency log'],
  summary: 'Rotate the transparency log’s signing key',
  description:
    'Checkpoints and receipts are signed with a new key. The rotation is itself a log entry (`log.key_rotated`, naming the new vkey), and for 30 days checkpoints carry the old key’s signature too, so a verifier that pinned the old vkey learns the new one from a tree the old key signed.',
  access: ['admin'],
  responses: {
    200: { description: 'The new key.', content: { 'application/json': { schema: LogKeyRotationSchema } } },
  },
});

export function registerRotateLogKey(app: OpenAPIHono<AppEnv>) {
  return app.openapi(rotateLogKeyRoute, async (c) => {
    return c.json(await rotateLogKey(serviceContext(c), c.get('deps').log), 200);
  });
}
