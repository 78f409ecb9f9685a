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
  description:
    'Access tokens: the active key and those retired less than a token lifetime ago (kids `k_…`). Transparency log: every key it ever signed with (kids `tlog_…`). A key has one purpose: a log key never verifies an access token, an access-token key never a log signature.',
  access: 'public',
  responses: {
    200: { description: 'A JSON Web Key Set.', content: { 'application/json': { schema: JwksSchema } } },
  },
});

export function registerJwks(app: OpenAPIHono<AppEnv>) {
  return app.openapi(jwksRoute, async (c) => {
    const deps = c.get('deps');
    // Access-token keys and every transparency log key (checkpoint JWS, receipts), one set.
    const keys = [...(await deps.tokens.publicJwks()), ...(await deps.log.publicJwks())];
    // Short, so verifiers pick up a rotated key soon; retired keys stay listed while their tokens live.
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({ keys: keys.map((k) => ({ ...k, kty: k.kty ?? 'OKP', kid: k.kid!, alg: k.alg ?? 'EdDSA', use: k.use ?? 'sig' })) }, 200);
  });
}
