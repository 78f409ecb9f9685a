import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { partnerLogSalt } from '../../../transparency/entries/partner-entries.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams } from '../members/schemas.js';

const LogSaltSchema = z
  .object({
    memberId: z.string(),
    salt: z.string().openapi({ description: '32 random bytes, hex. A reference in your entries is hex(HMAC-SHA256(key = these 32 bytes, message = the reference in UTF-8)).' }),
    algorithm: z.literal('HMAC-SHA256'),
  })
  .openapi('LogSalt');

export const getAffiliateLogSaltRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates/{memberId}/log-salt',
  operationId: 'getAffiliateLogSalt',
  tags: ['Affiliates'],
  summary: 'Get the salt of an affiliate’s log entries',
  description:
    'The customer references in the affiliate’s log entries are salted hashes under this salt, so the affiliate (and nobody who lacks it) can match ' +
    'them to their own records. It never changes. An affiliate reads their own only.',
  access: ['admin', 'regional_manager', 'affiliate'],
  request: { params: MemberParams },
  responses: { 200: json(LogSaltSchema, 'The salt.') },
});

export function registerGetAffiliateLogSalt(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getAffiliateLogSaltRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await partnerLogSalt(serviceContext(c), programId, memberId), 200);
  });
}
