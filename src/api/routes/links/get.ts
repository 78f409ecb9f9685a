import type { OpenAPIHono } from '@hono/zod-openapi';
import { getLink } from '../../../tracking/links/manage.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, LinkIdParams, LinkSchema, publicBaseUrl } from './schemas.js';

export const getLinkRoute = defineRoute({
  method: 'get',
  path: '/v1/links/{linkId}',
  operationId: 'getLink',
  tags: ['Links'],
  summary: 'Get a link',
  description: 'A link the caller may not see (another owner’s, another market’s, another program’s) is not found.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: LinkIdParams },
  responses: { 200: json(LinkSchema, 'The link.') },
});

export function registerGetLink(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getLinkRoute, async (c) => {
    const ctx = serviceContext(c);
    const { linkId } = c.req.valid('param');
    return c.json(await getLink(ctx, linkId, publicBaseUrl(c)), 200);
  });
}
