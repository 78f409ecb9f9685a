import type { OpenAPIHono } from '@hono/zod-openapi';
import { MemberUpdateInputSchema } from '../../../core/members/member-input.js';
import { updateMember } from '../../../core/members/members.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams, MemberSchema } from './schemas.js';

export const updateMemberRoute = defineRoute({
  method: 'patch',
  path: '/v1/programs/{programId}/members/{memberId}',
  operationId: 'updateMember',
  tags: ['Members'],
  summary: 'Update a member',
  description: 'Only the given keys change; null clears a nullable field. customFields are merged key by key and null removes a key.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: MemberParams, body: { required: true, content: { 'application/json': { schema: MemberUpdateInputSchema } } } },
  responses: { 200: json(MemberSchema, 'The updated member.') },
});

export function registerUpdateMember(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateMemberRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId } = c.req.valid('param');
    return c.json(await updateMember(ctx, programId, memberId, c.req.valid('json')), 200);
  });
}
