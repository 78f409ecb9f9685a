import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { markNotificationsRead } from '../../../core/notifications/read.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { MarkReadInputSchema, MemberParams } from './schemas.js';

export const markNotificationsReadRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/members/{memberId}/notifications/read',
  operationId: 'markNotificationsRead',
  tags: ['Members'],
  summary: 'Mark notifications read',
  description: 'The recipient marks their notifications read: the listed ones, or all unread ones. Marking again changes nothing.',
  access: ['affiliate', 'member'],
  request: { params: MemberParams, body: { required: false, content: { 'application/json': { schema: MarkReadInputSchema } } } },
  responses: { 200: { description: 'How many changed.', content: { 'application/json': { schema: z.object({ marked: z.number().int() }) } } } },
});

export function registerMarkNotificationsRead(app: OpenAPIHono<AppEnv>) {
  return app.openapi(markNotificationsReadRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await markNotificationsRead(serviceContext(c), programId, memberId, c.req.valid('json') ?? {}), 200);
  });
}
