import type { OpenAPIHono } from '@hono/zod-openapi';
import { addMemberTag } from '../../../core/members/tags.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberTagParams, MemberTagsSchema } from './schemas.js';

export const addMemberTagRoute = defineRoute({
  method: 'put',
  path: '/v1/programs/{programId}/members/{memberId}/tags/{tag}',
  operationId: 'addMemberTag',
  tags: ['Tags'],
  summary: 'Tag a member (idempotent)',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: MemberTagParams },
  responses: { 200: json(MemberTagsSchema, "The member's tags; changed is false when the tag was already there.") },
});

export function registerAddMemberTag(app: OpenAPIHono<AppEnv>) {
  return app.openapi(addMemberTagRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId, tag } = c.req.valid('param');
    return c.json(await addMemberTag(ctx, programId, memberId, tag), 200);
  });
}
