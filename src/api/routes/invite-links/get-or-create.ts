import type { OpenAPIHono } from '@hono/zod-openapi';
import { InviteLinkInputSchema } from '../../../tracking/links/input.js';
import { getOrCreateInviteLink } from '../../../tracking/links/invite.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, LinkSchema, ProgramParams, publicBaseUrl } from '../links/schemas.js';

export const getOrCreateInviteLinkRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/invite-link',
  operationId: 'getOrCreateInviteLink',
  tags: ['Links'],
  summary: 'Get (or create) a member’s invite link',
  description:
    'Each member has one invite link per program, created on the first request; later (and concurrent) requests return the same link. ' +
    'It goes to the program’s `settings.links.inviteDestinationUrl` (422 while that is not set). Members and affiliates get their own; staff and API keys name `memberId`.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: ProgramParams, body: { required: false, content: { 'application/json': { schema: InviteLinkInputSchema } } } },
  responses: {
    200: json(LinkSchema, 'The member’s existing invite link.'),
    201: json(LinkSchema, 'The invite link, created now.'),
  },
});

export function registerGetOrCreateInviteLink(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getOrCreateInviteLinkRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    const { link, created } = await getOrCreateInviteLink(ctx, programId, c.req.valid('json') ?? {}, publicBaseUrl(c));
    return created ? c.json(link, 201) : c.json(link, 200);
  });
}
