import type { OpenAPIHono } from '@hono/zod-openapi';
import { listNotifications } from '../../../core/notifications/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { MemberParams, NotificationListQuery, NotificationPageSchema } from './schemas.js';

export const listNotificationsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}/notifications',
  operationId: 'listNotifications',
  tags: ['Members'],
  summary: 'A member’s notifications',
  description:
    'What happened to an affiliate’s or member’s money (payout paid, failed or reversed; a held commission approved or rejected), newest first, ' +
    'written in the reader’s language (`?lang=`, cookie, Accept-Language, else the member’s own or their market’s) with their market’s overrides ' +
    '(namespace `notifications`). `unreadCount` is for the badge. Members and affiliates read their own; staff those in scope.',
  access: ['admin', 'regional_manager', 'affiliate', 'member'],
  request: { params: MemberParams, query: NotificationListQuery },
  responses: { 200: { description: 'One page of notifications.', content: { 'application/json': { schema: NotificationPageSchema } } } },
});

export function registerListNotifications(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listNotificationsRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await listNotifications(serviceContext(c), programId, memberId, c.req.valid('query'), c.get('locale')), 200);
  });
}
