import type { OpenAPIHono } from '@hono/zod-openapi';
import { listTags } from '../../../core/members/tags.js';
import type { AppEnv } from '../../env.js';
import { PageQuerySchema } from '../../pagination.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, pageOf, ProgramParams, TagCountSchema } from '../members/schemas.js';

export const listTagsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/tags',
  operationId: 'listTags',
  tags: ['Tags'],
  summary: 'Tags in use, with how many members carry each',
  description: 'By tag name. Regional managers count only members in their countries.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParams, query: PageQuerySchema },
  responses: { 200: json(pageOf(TagCountSchema, 'TagCountPage'), 'One page of tags.') },
});

export function registerListTags(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listTagsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await listTags(ctx, programId, c.req.valid('query')), 200);
  });
}
