import type { OpenAPIHono } from '@hono/zod-openapi';
import { MemberCreateInputSchema } from '../../../core/members/member-input.js';
import { createMember } from '../../../core/members/members.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberSchema, ProgramParams } from './schemas.js';

export const createMemberRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members',
  operationId: 'createMember',
  tags: ['Members'],
  summary: 'Create a member',
  description: 'Email (compared case-insensitively) and externalId are unique in the program (409). Regional managers create members in their countries only.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams, body: { required: true, content: { 'application/json': { schema: MemberCreateInputSchema } } } },
  responses: { 201: json(MemberSchema, 'The new member.') },
});

export function registerCreateMember(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createMemberRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await createMember(ctx, programId, c.req.valid('json')), 201);
  });
}
