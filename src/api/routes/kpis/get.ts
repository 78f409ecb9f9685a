import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { COMMISSION_STATUSES } from '../../../tracking/kpis/money.js';
import { KpiQuerySchema } from '../../../tracking/kpis/query.js';
import { getProgramKpis } from '../../../tracking/kpis/service.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { iso, pathParam } from '../../pagination.js';

const count = z.number().int();
const money = (description: string) => z.number().int().openapi({ description: `${description} Minor units of \`currency\`.` });
const rate = (description: string) => z.number().nullable().openapi({ description: `${description} A decimal (6 places); null when the denominator is 0.` });

const CommissionBucketSchema = z
  .object({ count, amount: money('Payout amount net of reversals before payment.'), reversedAmount: money('Taken back by refunds before payment.') })
  .openapi('KpiCommissionBucket');

const UnconvertedSchema = z.array(z.object({ currency: z.string(), amount: z.number().int() }));

export const ProgramKpisSchema = z
  .object({
    programId: z.string(),
    from: z.string().openapi({ description: 'First day (UTC), inclusive.' }),
    to: z.string().openapi({ description: 'Last day (UTC), inclusive.' }),
    country: z.string().nullable(),
    countries: z.array(z.string()).nullable().openapi({ description: 'The markets covered; null for all.' }),
    partnerMemberId: z.string().nullable(),
    currency: z.string().openapi({ description: "The program's payout currency." }),
    asOf: z.string().datetime(),
    traffic: z.object({
      clicks: count.openapi({ description: 'Counted clicks (no bots, no duplicates).' }),
      uniqueClicks: count,
      signups: count,
      sales: count.openapi({ description: 'Completed sales not fully refunded or cancelled.' }),
      pendingSales: count,
      attributedSignups: count,
      attributedSales: count,
      conversionRate: rate('Attributed signups and sales / counted clicks.'),
      epc: rate('Earnings per click: commission cost / counted clicks, in minor units.'),
      attributedRevenue: money('Attributed sales net of refunds.'),
    }),
    money: z.object({
      commissionsByStatus: z.object(Object.fromEntries(COMMISSION_STATUSES.map((s) => [s, CommissionBucketSchema])) as Record<(typeof COMMISSION_STATUSES)[number], typeof CommissionBucketSchema>),
      clawbacks: z.object({ count, amount: money('Negative.') }),
      grossCommission: money('Commissions before reversals, rejected ones excluded.'),
      reversedCommission: money('Taken back by refunds and cancellations, clawbacks included.'),
      commissionCost: money('What partners earn: net of reversals and clawbacks, rejected excluded.'),
      reversalRate: rate('reversedCommission / grossCommission.'),
      roi: rate('attributedRevenue / commissionCost.'),
    }),
    members: z.object({
      newMembers: count,
      activatedMembers: count,
      activationRate: rate('New members who bought within 30 days of joining / new members.'),
      activeAtStart: count,
      churnedMembers: count,
      churnRate: rate('Members churned by the end / members not churned at the start.'),
      purchasingMembers: count,
      repeatPurchasers: count,
      repurchaseRate: rate('Members with 2+ purchases / members with 1+ purchases in the period.'),
      memberSales: count,
      memberShareOfTransactions: rate('Sales whose customer is a member / sales.'),
      inviteClicks: count,
      inviteConversions: count,
      referralConversionRate: rate('Attributed conversions through invite links / counted clicks on invite links.'),
    }),
    unconverted: z.object({ revenue: UnconvertedSchema, commissions: UnconvertedSchema }).openapi({ description: 'Money without an FX rate to the payout currency, left out of the sums.' }),
  })
  .openapi('ProgramKpis');

export const getProgramKpisRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/kpis',
  operationId: 'getProgramKpis',
  tags: ['KPIs'],
  summary: 'Program KPIs over a period',
  description:
    'Traffic, conversion, commission and member KPIs for UTC days `from`..`to`, optionally for one market and one partner; every definition is in docs/kpis.md. Regional managers see their countries (naming another is 403 `out_of_scope`); affiliates and members see their own partner numbers.',
  access: ['admin', 'regional_manager', 'affiliate', 'member'],
  request: { params: z.object({ programId: pathParam('programId') }), query: KpiQuerySchema },
  responses: { 200: { description: 'The KPIs.', content: { 'application/json': { schema: ProgramKpisSchema } } } },
});

export type ProgramKpisBody = z.infer<typeof ProgramKpisSchema>;

export function registerGetProgramKpis(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getProgramKpisRoute, async (c) => {
    const ctx = serviceContext(c);
    const { programId } = c.req.valid('param');
    const kpis = await getProgramKpis(ctx, programId, c.req.valid('query'));
    return c.json({ ...kpis, asOf: iso(kpis.asOf) }, 200);
  });
}
