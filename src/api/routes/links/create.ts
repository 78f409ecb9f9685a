import type { OpenAPIHono } from '@hono/zod-openapi';
import { createLink } from '../../../tracking/links/create.js';
import { LinkCreateInputSchema } from '../../../tracking/links/input.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, LinkSchema, ProgramParams, publicBaseUrl } from './schemas.js';

export const createLinkRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/links',
  operationId: 'createLink',
  tags: ['Links'],
  summary: 'Create a referral link',
  description:
    'The destination and every country override must be absolute http(s) URLs on the program’s `settings.links.allowedHosts` (400 otherwise: never an open redirect). ' +
    'Without `slug` an unguessable 8-character slug is generated; a custom slug must be free on the program’s domain (409) and not reserved. ' +
    'Affiliates create links for themselves; staff and API keys name an `ownerMemberId`, who must be an approved affiliate (422).',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate'],
  request: { params: ProgramParams, body: { required: true, content: { 'application/json': { schema: LinkCreateInputSchema } } } },
  responses: { 201: json(LinkSchema, 'The new link, with its short URL.') },
});

export function registerCreateLink(app: OpenAPIHono<AppEnv>) {
  return app.openapi(createLinkRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await createLink(ctx, programId, c.req.valid('json'), publicBaseUrl(c)), 201);
  });
}
