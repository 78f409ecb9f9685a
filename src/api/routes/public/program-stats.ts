import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { publicProgramStats } from '../../../transparency/entries/public-stats.js';
import type { AppEnv } from '../../env.js';
import { defineRoute } from '../../openapi.js';
import { pathParam } from '../../pagination.js';

const ProgramStatsSchema = z
  .object({
    programId: z.string(),
    day: z.string().openapi({ description: 'The UTC day the figures are for (YYYY-MM-DD).', example: '2024-01-31' }),
    windowDays: z.number().int().openapi({ description: 'The figures cover the commissions created in this many days up to the end of `day`.' }),
    commissions: z.number().int(),
    reversalRateBps: z.number().int().nullable().openapi({ description: 'Share reversed by refunds or cancellations, in basis points.' }),
    heldShareBps: z.number().int().nullable().openapi({ description: 'Share held for review, in basis points.' }),
    medianDaysToApproval: z.number().nullable(),
    medianDaysApprovalToPayment: z.number().nullable(),
    index: z.number().int().nullable().openapi({ description: 'The entry’s index in the transparency log; null in the seconds before it is sequenced.' }),
    leafHash: z.string().openapi({ description: 'base64 RFC 9162 leaf hash of `entry`: ask the log for its inclusion proof.' }),
    entry: z.string().openapi({ description: 'The `stats.program.daily` entry exactly as logged (canonical JSON).' }),
  })
  .openapi('PublicProgramStats');

export const getPublicProgramStatsRoute = defineRoute({
  method: 'get',
  path: '/v1/public/programs/{programId}/stats',
  operationId: 'getPublicProgramStats',
  tags: ['Transparency'],
  summary: 'A program’s public statistics',
  description:
    'The latest daily figures of a program (reversal rate, share held, median days to approval and to payment), as its transparency log entry ' +
    'states them, so an affiliate can compare programs before joining. 404 until the program’s first day has been logged.',
  access: 'public',
  request: { params: z.object({ programId: pathParam('programId') }) },
  responses: { 200: { description: 'The latest figures.', content: { 'application/json': { schema: ProgramStatsSchema } } } },
});

export function registerGetPublicProgramStats(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getPublicProgramStatsRoute, async (c) => {
    return c.json(await publicProgramStats(c.get('deps').db, c.req.valid('param').programId), 200);
  });
}
