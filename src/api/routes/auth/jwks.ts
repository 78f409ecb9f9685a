import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';

const JwkSchema = z
  .object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional(), kid: z.string(), alg: z.string(), use: z.string() })
  .passthrough()
  .openapi('Jwk');

const JwksSchema = z.object({ keys: z.array(JwkSchema) }).openapi('Jwks');

export const jwksRoute = defineRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getJwks',
  tags: ['Auth'],
  summary: 'Public keys that verify access tokens',
  description: 'The active key and recently retired ones whose tokens may still be live.',
  access: 'public',
  responses: {
    200: { description: 'A JSON Web Key Set.', content: { 'application/json': { schema: JwksSchema } } },
  },
});

export function registerJwks(app: OpenAPIHono<AppEnv>) {
  app.openapi(jwksRoute, async (c) => {
    const keys = await c.get('deps').tokens.publicJwks();
    // Short, so verifiers pick up a rotated key soon; retired keys stay listed while their tokens live.
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({ keys: keys.map((k) => ({ ...k, kty: k.kty ?? 'OKP', kid: k.kid!, alg: k.alg ?? 'EdDSA', use: k.use ?? 'sig' })) }, 200);
  });
}
