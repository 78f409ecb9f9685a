import type { OpenAPIHono } from '@hono/zod-openapi';
import { listMembers, MemberListQuerySchema } from '../../../core/members/list-members.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberSchema, pageOf, ProgramParams } from './schemas.js';

export const listMembersRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members',
  operationId: 'listMembers',
  tags: ['Members'],
  summary: 'List and search members',
  description: 'Oldest first. Besides the listed filters, `cf.<key>=value` filters on a custom field by equality. Regional managers see members in their countries only.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams, query: MemberListQuerySchema },
  responses: { 200: json(pageOf(MemberSchema, 'MemberPage'), 'One page of members.') },
});

export function registerListMembers(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listMembersRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await listMembers(ctx, programId, c.req.valid('query')), 200);
  });
}
