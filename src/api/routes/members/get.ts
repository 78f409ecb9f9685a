import type { OpenAPIHono } from '@hono/zod-openapi';
import { getMember } from '../../../core/members/members.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, MemberSchema } from './schemas.js';

export const getMemberRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}',
  operationId: 'getMember',
  tags: ['Members'],
  summary: 'Get a member',
  description: 'Affiliates and members may read their own record only; any other id is not found.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: MemberParams },
  responses: { 200: json(MemberSchema, 'The member.') },
});

export function registerGetMember(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getMemberRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    return c.json(await getMember(ctx, programId, memberId), 200);
  });
}
