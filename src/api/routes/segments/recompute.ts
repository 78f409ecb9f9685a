import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { requestSegmentRecompute } from '../../../core/segments/recompute.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { ProgramParamsSchema } from './schemas.js';

const RecomputeQueuedSchema = z.object({ programId: z.string(), status: z.literal('queued') }).openapi('SegmentRecomputeQueued');

export const recomputeSegmentsRoute = defineRoute({
  method: 'post',
  path: '/v1/programs/{programId}/segments/recompute',
  operationId: 'recomputeSegments',
  tags: ['Segments'],
  summary: 'Recompute the automatic segments now',
  description: 'Queues a recompute of every member\'s segment in the program (it also runs daily). Poll GET .../segments for the new computedAt.',
  access: ['admin', 'api_key'],
  request: { params: ProgramParamsSchema },
  responses: {
    202: { description: 'The recompute is queued.', content: { 'application/json': { schema: RecomputeQueuedSchema } } },
  },
});

export function registerRecomputeSegments(app: OpenAPIHono<AppEnv>) {
  return app.openapi(recomputeSegmentsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await requestSegmentRecompute(ctx, programId), 202);
  });
}
