import { z } from '@hono/zod-openapi';
import { NOTIFICATION_KINDS } from '../../../../db/schema/index.js';
import { PageQuerySchema } from '../../pagination.js';

export { MemberParams } from '../members/schemas.js';

export const NotificationSchema = z
  .object({
    id: z.string().openapi({ example: 'ntf_0lz3k8q1aXy2Pq9RsT0uV' }),
    kind: z.enum(NOTIFICATION_KINDS),
    title: z.string().openapi({ example: 'Your payout of €64.89 is on its way' }),
    body: z.string(),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).openapi({ description: 'The facts the texts are made of: amount (minor units), currency, payoutId or commissionId, reason, failureCode.' }),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .openapi('Notification');

export const NotificationPageSchema = z
  .object({ data: z.array(NotificationSchema), nextCursor: z.string().nullable(), unreadCount: z.number().int() })
  .openapi('NotificationPage');

export const NotificationListQuery = PageQuerySchema.extend({
  unread: z.enum(['true', 'false']).optional().openapi({ param: { name: 'unread', in: 'query' }, description: 'Only unread ones.' }),
});

export const MarkReadInputSchema = z
  .strictObject({ ids: z.array(z.string().min(1).max(64)).min(1).max(200).optional().openapi({ description: 'The notifications to mark read; all unread ones when left out.' }) })
  .openapi('MarkNotificationsReadInput');
