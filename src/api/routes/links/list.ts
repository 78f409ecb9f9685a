import type { OpenAPIHono } from '@hono/zod-openapi';
import { LinkListQuerySchema } from '../../../tracking/links/input.js';
import { listLinks } from '../../../tracking/links/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, LinkSchema, pageOf, ProgramParams, publicBaseUrl } from './schemas.js';

export const listLinksRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/links',
  operationId: 'listLinks',
  tags: ['Links'],
  summary: 'List links',
  description: 'Oldest first. Affiliates and members see their own links, regional managers the links of owners in their countries.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: ProgramParams, query: LinkListQuerySchema },
  responses: { 200: json(pageOf(LinkSchema, 'LinkPage'), 'One page of links.') },
});

export function registerListLinks(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listLinksRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await listLinks(ctx, programId, c.req.valid('query'), publicBaseUrl(c)), 200);
  });
}
