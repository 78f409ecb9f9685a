import type { OpenAPIHono } from '@hono/zod-openapi';
import { LinkUpdateInputSchema } from '../../../tracking/links/input.js';
import { updateLink } from '../../../tracking/links/manage.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, LinkIdParams, LinkSchema, publicBaseUrl } from './schemas.js';

export const updateLinkRoute = defineRoute({
  method: 'patch',
  path: '/v1/links/{linkId}',
  operationId: 'updateLink',
  tags: ['Links'],
  summary: 'Update a link',
  description:
    'Only the given keys change. Destinations are checked against the allowed hosts as on creation; `countryDestinations` and `params` replace the whole map. ' +
    'A new slug becomes a custom slug (409 when taken); the old short URL stops working at once. Invite links have no destination of their own.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: LinkIdParams, body: { required: true, content: { 'application/json': { schema: LinkUpdateInputSchema } } } },
  responses: { 200: json(LinkSchema, 'The updated link.') },
});

export function registerUpdateLink(app: OpenAPIHono<AppEnv>) {
  return app.openapi(updateLinkRoute, async (c) => {
    const ctx = serviceContext(c);
    const { linkId } = c.req.valid('param');
    return c.json(await updateLink(ctx, linkId, c.req.valid('json'), publicBaseUrl(c)), 200);
  });
}
