import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { rawResponse, TEXT, textBody } from './responses.js';

export const getLogVkeyRoute = defineRoute({
  method: 'get',
  path: '/log/vkey',
  operationId: 'getLogVkey',
  tags: ['Transparency log'],
  summary: 'The log’s verifier key (C2SP signed-note vkey)',
  description:
    'The vkey of the key that signs checkpoints now: `<origin>+<key id>+<base64 public key>`. Pin it out of band; a rotation is itself a log entry (`log.key_rotated`).',
  access: 'public',
  responses: { 200: textBody('The vkey, one line.') },
});

export function registerGetLogVkey(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getLogVkeyRoute, async (c) => {
    return rawResponse(`${await c.get('deps').log.vkey()}\n`, TEXT, 'public, max-age=60');
  });
}
