import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { segmentCounts } from '../../../core/segments/queries.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ProgramParamsSchema, SegmentNameSchema } from './schemas.js';

const SegmentCountsSchema = z
  .object({
    data: z.array(z.object({ segment: SegmentNameSchema, members: z.number().int() })),
    computedAt: z.string().datetime().nullable().openapi({ description: 'When the segments were last computed; null before the first run.' }),
  })
  .openapi('SegmentCounts');

export const segmentSummaryRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/segments',
  operationId: 'getSegmentCounts',
  tags: ['Segments'],
  summary: 'Members per automatic segment',
  description: 'Counts of members in each RFM segment (every segment listed, zero included). Regional managers count only members in their countries.',
  access: ['admin', 'regional_manager', 'api_key'],
  request: { params: ProgramParamsSchema },
  responses: {
    200: { description: 'Counts per segment.', content: { 'application/json': { schema: SegmentCountsSchema } } },
  },
});

export type SegmentCountsResponse = z.infer<typeof SegmentCountsSchema>;

export function registerGetSegmentCounts(app: OpenAPIHono<AppEnv>) {
  return app.openapi(segmentSummaryRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    const counts = await segmentCounts(ctx, programId);
    return c.json({ data: counts.data, computedAt: counts.computedAt?.toISOString() ?? null }, 200);
  });
}
