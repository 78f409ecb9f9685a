import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listReferredFriends } from '../../../core/referrals/friends.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { PageQuerySchema, pageSchema, pathParam } from '../../pagination.js';

const MemberParams = z.object({ programId: pathParam('programId'), memberId: pathParam('memberId') });

export const ReferredFriendSchema = z
  .object({
    id: z.string().openapi({ example: 'mem_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    displayName: z.string().nullable().openapi({ description: 'First name and last initial, e.g. "Lena M."; null when the friend gave no name.' }),
    joinedAt: z.string().openapi({ example: '2024-01-31T12:00:00.000Z' }),
    status: z.enum(['joined', 'purchased']),
    firstPurchaseAt: z.string().nullable(),
    pointsEarned: z.number().int().openapi({ description: 'Referral points the referrer holds for this friend.' }),
  })
  .openapi('ReferredFriend');

export const listReferredFriendsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/members/{memberId}/referrals',
  operationId: 'listReferredFriends',
  tags: ['Members'],
  summary: 'Friends who joined through a member’s referral',
  description: 'Newest first. Members and affiliates may read their own; managers those of members in their countries.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: MemberParams, query: PageQuerySchema },
  responses: {
    200: { description: 'A page of friends.', content: { 'application/json': { schema: pageSchema(ReferredFriendSchema, 'ReferredFriendPage') } } },
  },
});

export function registerListReferredFriends(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listReferredFriendsRoute, async (c) => {
    const ctx = serviceContext(c);
    return c.json(await listReferredFriends(ctx, { ...c.req.valid('param'), ...c.req.valid('query') }), 200);
  });
}
