import type { OpenAPIHono } from '@hono/zod-openapi';
import { archiveLink } from '../../../tracking/links/manage.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, LinkIdParams, LinkSchema, publicBaseUrl } from './schemas.js';

export const archiveLinkRoute = defineRoute({
  method: 'post',
  path: '/v1/links/{linkId}/archive',
  operationId: 'archiveLink',
  tags: ['Links'],
  summary: 'Archive a link',
  description: 'Visitors of an archived link go to the program’s `fallbackUrl` (or a 404 page) and no click is counted. Archiving twice changes nothing.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: LinkIdParams },
  responses: { 200: json(LinkSchema, 'The archived link.') },
});

export function registerArchiveLink(app: OpenAPIHono<AppEnv>) {
  return app.openapi(archiveLinkRoute, async (c) => {
    const ctx = serviceContext(c);
    const { linkId } = c.req.valid('param');
    return c.json(await archiveLink(ctx, linkId, publicBaseUrl(c)), 200);
  });
}
