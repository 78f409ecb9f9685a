import type { OpenAPIHono } from '@hono/zod-openapi';
import { readerFor } from '../../../transparency/log/reader.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { rawResponse } from './responses.js';

export const getCheckpointJwsRoute = defineRoute({
  method: 'get',
  path: '/log/checkpoint.jws',
  operationId: 'getLogCheckpointJws',
  tags: ['Transparency log'],
  summary: 'The latest checkpoint as a JWS',
  description:
    'The same checkpoint for JOSE tooling: a compact JWS (EdDSA, `typ` `trellis-checkpoint+jws`, `kid` of a key in `/.well-known/jwks.json`) ' +
    'over `{ "origin", "size", "root" (base64), "time" (Unix seconds) }`.',
  access: 'public',
  responses: { 200: { description: 'The compact JWS.', content: { 'application/jose': { schema: { type: 'string' as const } } } } },
});

export function registerGetLogCheckpointJws(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getCheckpointJwsRoute, async (c) => {
    const checkpoint = await readerFor(c.get('deps').db).cosignedCheckpoint();
    return rawResponse(checkpoint.jws, 'application/jose', 'no-cache');
  });
}
