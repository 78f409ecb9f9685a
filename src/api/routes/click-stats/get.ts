import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { CLICK_STATS_GROUPS, ClickStatsQuerySchema, getClickStats } from '../../../tracking/stats/click-stats.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { pathParam } from '../../pagination.js';

const Counts = {
  clicks: z.number().int().openapi({ description: 'Counted clicks: neither bots nor duplicates.' }),
  uniqueClicks: z.number().int().openapi({ description: 'Distinct visitors per day, summed over the days in the row.' }),
  duplicateClicks: z.number().int(),
  botClicks: z.number().int(),
};

const ClickCountsSchema = z.object(Counts).openapi('ClickCounts');
const ClickStatsRowSchema = z.object({ key: z.string().openapi({ description: 'The day (YYYY-MM-DD), link id, country or owner member id.' }), ...Counts }).openapi('ClickStatsRow');

export const ClickStatsSchema = z
  .object({ from: z.string(), to: z.string(), groupBy: z.enum(CLICK_STATS_GROUPS), rows: z.array(ClickStatsRowSchema), totals: ClickCountsSchema })
  .openapi('ClickStats');

export const getClickStatsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/click-stats',
  operationId: 'getClickStats',
  tags: ['Links'],
  summary: 'Click statistics',
  description:
    'Totals from the daily rollups (UTC days), updated as clicks are written. Affiliates and members see their own links; regional managers see the clicks from their countries; admins and the API key see all.',
  access: ['admin', 'regional_manager', 'api_key', 'affiliate', 'member'],
  request: { params: z.object({ programId: pathParam('programId') }), query: ClickStatsQuerySchema },
  responses: { 200: { description: 'Rows by the chosen grouping, and totals over everything that matched.', content: { 'application/json': { schema: ClickStatsSchema } } } },
});

export function registerGetClickStats(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getClickStatsRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    return c.json(await getClickStats(ctx, programId, c.req.valid('query')), 200);
  });
}
