import type { OpenAPIHono } from '@hono/zod-openapi';
import { removeMemberTag } from '../../../core/members/tags.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberTagParams, MemberTagsSchema } from './schemas.js';

export const removeMemberTagRoute = defineRoute({
  method: 'delete',
  path: '/v1/programs/{programId}/members/{memberId}/tags/{tag}',
  operationId: 'removeMemberTag',
  tags: ['Tags'],
  summary: 'Remove a tag from a member (idempotent)',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: MemberTagParams },
  responses: { 200: json(MemberTagsSchema, "The member's tags; changed is false when the tag was not there.") },
});

export function registerRemoveMemberTag(app: OpenAPIHono<AppEnv>) {
  return app.openapi(removeMemberTagRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, memberId, tag } = c.req.valid('param');
    return c.json(await removeMemberTag(ctx, programId, memberId, tag), 200);
  });
}
