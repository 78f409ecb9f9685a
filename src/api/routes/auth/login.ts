import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { login } from '../../../core/auth/login.js';
import { recordPartnerIp } from '../../../tracking/fraud/partner-ips.js';
import { loginSource } from '../../client-address.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { iso } from '../../pagination.js';
import { UserSchema, userJson } from '../users/schemas.js';

const LoginInputSchema = z
  .object({
    email: z.string().trim().min(1).max(320).openapi({ example: 'ada@example.com' }),
    password: z.string().min(1).max(256).openapi({ example: 'correct horse battery staple' }),
  })
  .openapi('LoginInput');

const LoginResultSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresAt: z.string().openapi({ example: '2025-01-01T12:15:00.000Z' }),
    user: UserSchema,
  })
  .openapi('LoginResult');

export const loginRoute = defineRoute({
  method: 'post',
  path: '/v1/auth/login',
  operationId: 'login',
  tags: ['Auth'],
  summary: 'Exchange email and password for an access token',
  description:
    'A wrong email and a wrong password get the same 401 `invalid_credentials`. Failures brake the client address, never the account: after 10 failures for one email from one address within 15 minutes, that address gets 429 for that email (the owner still logs in from elsewhere), and after 30 failures from one address across any emails it gets 429 for every email, with Retry-After, until enough failures leave the window.',
  access: 'public',
  request: { body: { required: true, content: { 'application/json': { schema: LoginInputSchema } } } },
  responses: {
    200: { description: 'Logged in.', content: { 'application/json': { schema: LoginResultSchema } } },
    429: { description: 'Too many failed attempts from this address (for this email, or for any).' },
  },
});

export function registerLogin(app: OpenAPIHono<AppEnv>) {
  return app.openapi(loginRoute, async (c) => {
    const deps = c.get('deps');
    const source = loginSource(c);
    const result = await login({ db: deps.db, clock: deps.clock, logger: c.get('logger'), tokens: deps.tokens }, c.req.valid('json'), source);
    // Where partners log in from feeds the self-referral fraud rule (src/tracking/fraud/rules.ts).
    if (result.user.memberId) {
      await recordPartnerIp({ db: deps.db, logger: c.get('logger'), ipHasher: deps.tracking.ipHasher }, result.user.memberId, source.address, deps.clock());
    }
    return c.json(
      {
        accessToken: result.accessToken,
        tokenType: result.tokenType,
        expiresAt: iso(result.expiresAt),
        user: userJson(result.user),
      },
      200,
    );
  });
}
