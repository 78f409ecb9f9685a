import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { COMMISSION_STATUSES } from '../../../tracking/kpis/money.js';
import { getAffiliatePerformance, MAX_BREAKDOWN_ROWS, PerformanceQuerySchema } from '../../../tracking/kpis/performance.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams } from '../members/schemas.js';

const count = z.number().int();
const Minor = z.number().int().openapi({ description: 'Minor units of `currency`.' });
const rate = z.number().nullable().openapi({ description: 'A decimal (6 places); null when there were no clicks.' });

const FiguresSchema = z.object({
  clicks: count.openapi({ description: 'Counted clicks on the affiliate’s links (no bots, no duplicates).' }),
  conversions: count.openapi({ description: 'Counted signups and sales credited to the affiliate.' }),
  conversionRate: rate,
  commissions: z
    .array(z.object({ currency: z.string(), status: z.enum(COMMISSION_STATUSES), count, amount: Minor }))
    .openapi({ description: 'Commissions (clawbacks left out) per payout currency and status, net of reversals before payment.' }),
  earned: z
    .array(z.object({ currency: z.string(), amount: Minor }))
    .openapi({ description: 'Earned per payout currency: rejected commissions excluded, reversals and clawbacks deducted.' }),
  epc: z.array(z.object({ currency: z.string(), value: rate })).openapi({ description: 'Earnings per click per currency, minor units.' }),
});

const AffiliatePerformanceSchema = z
  .object({
    programId: z.string(),
    memberId: z.string(),
    from: z.string().openapi({ description: 'First day (UTC), inclusive.' }),
    to: z.string().openapi({ description: 'Last day (UTC), inclusive.' }),
    countries: z.array(z.string()).nullable().openapi({ description: 'The markets covered; null for all.' }),
    totals: FiguresSchema,
    days: z.array(FiguresSchema.extend({ day: z.string() })).openapi({ description: 'Every day of the period, oldest first.' }),
    byLink: z
      .array(FiguresSchema.extend({ linkId: z.string().nullable(), slug: z.string().nullable(), title: z.string().nullable(), archived: z.boolean() }))
      .openapi({ description: `Busiest first, at most ${MAX_BREAKDOWN_ROWS}. linkId null: credited without a link (promo code, bound customer).` }),
    byCountry: z
      .array(FiguresSchema.extend({ country: z.string().nullable() }))
      .openapi({ description: `Busiest first, at most ${MAX_BREAKDOWN_ROWS}. Clicks by visitor country; conversions and commissions by market.` }),
  })
  .openapi('AffiliatePerformance');

export const getAffiliatePerformanceRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates/{memberId}/performance',
  operationId: 'getAffiliatePerformance',
  tags: ['Affiliates'],
  summary: 'An affiliate’s performance over time',
  description:
    'Clicks, conversions, commissions by status and EPC per UTC day of `from`..`to` (last 30 days by default), and the same by link and by country, with the KPI definitions of docs/kpis.md. ' +
    'Money per payout currency, never summed across currencies. Affiliates read their own only (another id is not found); regional managers read affiliates of their countries (others are not found) and see the numbers of their markets.',
  access: ['admin', 'regional_manager', 'affiliate'],
  request: { params: MemberParams, query: PerformanceQuerySchema },
  responses: { 200: json(AffiliatePerformanceSchema, 'The performance.') },
});

export type AffiliatePerformanceBody = z.infer<typeof AffiliatePerformanceSchema>;

export function registerGetAffiliatePerformance(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getAffiliatePerformanceRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await getAffiliatePerformance(serviceContext(c), programId, memberId, c.req.valid('query')), 200);
  });
}
