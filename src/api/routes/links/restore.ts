import type { OpenAPIHono } from '@hono/zod-openapi';
import { restoreLink } from '../../../tracking/links/manage.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, LinkIdParams, LinkSchema, publicBaseUrl } from './schemas.js';

export const restoreLinkRoute = defineRoute({
  method: 'post',
  path: '/v1/links/{linkId}/restore',
  operationId: 'restoreLink',
  tags: ['Links'],
  summary: 'Restore an archived link',
  description: 'The link redirects again. Refused (422) while its destination is no longer on the program’s allowed hosts. Restoring an active link changes nothing.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: LinkIdParams },
  responses: { 200: json(LinkSchema, 'The active link.') },
});

export function registerRestoreLink(app: OpenAPIHono<AppEnv>) {
  return app.openapi(restoreLinkRoute, async (c) => {
    const ctx = serviceContext(c);
    const { linkId } = c.req.valid('param');
    return c.json(await restoreLink(ctx, linkId, publicBaseUrl(c)), 200);
  });
}
