import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { listSegmentMembers } from '../../../core/segments/queries.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { iso, PageQuerySchema, pageSchema } from '../../pagination.js';
import { ProgramParamsSchema, SegmentNameSchema } from './schemas.js';

const SegmentMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    country: z.string().nullable(),
    segment: SegmentNameSchema,
    recencyDays: z.number().int().nullable().openapi({ description: 'Days since the last counting order; null when none.' }),
    frequency: z.number().int().openapi({ description: 'Counting orders within the window.' }),
    monetary: z.number().int().openapi({ description: 'Net spend within the window, minor units of `currency`.' }),
    currency: z.string(),
    computedAt: z.string().datetime(),
  })
  .openapi('SegmentMember');

const SegmentMembersPageSchema = pageSchema(SegmentMemberSchema, 'SegmentMembersPage');

export const listSegmentMembersRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/segments/{segment}/members',
  operationId: 'listSegmentMembers',
  tags: ['Segments'],
  summary: 'Members of one automatic segment',
  description: 'Ordered by member id, cursor paginated. Regional managers see only members in their countries.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: {
    params: ProgramParamsSchema.extend({ segment: SegmentNameSchema.openapi({ param: { name: 'segment', in: 'path' } }) }),
    query: PageQuerySchema,
  },
  responses: {
    200: { description: 'A page of the segment.', content: { 'application/json': { schema: SegmentMembersPageSchema } } },
  },
});

export type SegmentMembersPage = z.infer<typeof SegmentMembersPageSchema>;

export function registerListSegmentMembers(app: OpenAPIHono<AppEnv>) {
  return app.openapi(listSegmentMembersRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId, segment } = c.req.valid('param');
    const page = await listSegmentMembers(ctx, { programId, segment, page: c.req.valid('query') });
    return c.json({ data: page.data.map((m) => ({ ...m, computedAt: iso(m.computedAt) })), nextCursor: page.nextCursor }, 200);
  });
}
