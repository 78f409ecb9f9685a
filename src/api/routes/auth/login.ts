import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { login } from '../../../core/auth/login.js';
import { recordPartnerIp } from '../../../tracking/fraud/partner-ips.js';
import { clientIp } from '../../middleware/rate-limit.js';
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
  description: 'A wrong email and a wrong password get the same 401 `invalid_credentials`. After 10 failures for one email within 15 minutes, further attempts get 429 until the window passes.',
  access: 'public',
  request: { body: { required: true, content: { 'application/json': { schema: LoginInputSchema } } } },
  responses: {
    200: { description: 'Logged in.', content: { 'application/json': { schema: LoginResultSchema } } },
    429: { description: 'Too many failed attempts for this email.' },
  },
});

export function registerLogin(app: OpenAPIHono<AppEnv>) {
  return app.openapi(loginRoute, async (c) => {
    const deps = c.get('deps');
    const result = await login({ db: deps.db, clock: deps.clock, logger: c.get('logger'), tokens: deps.tokens }, c.req.valid('json'));
    // Where partners log in from feeds the self-referral fraud rule (src/tracking/fraud/rules.ts).
    if (result.user.memberId) {
      const ip = clientIp(c, deps.config.TRACKING_CLIENT_IP_HEADER);
      await recordPartnerIp({ db: deps.db, logger: c.get('logger'), ipHasher: deps.tracking.ipHasher }, result.user.memberId, ip, deps.clock());
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
