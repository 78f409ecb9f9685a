import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { affiliateBalance } from '../../../payouts/payouts/list.js';
import { payoutMethodOf } from '../../../payouts/stripe/client.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, MemberParams } from './schemas.js';

const Minor = z.number().int();
const BalanceSchema = z
  .object({
    memberId: z.string(),
    method: z.enum(['stripe', 'manual']),
    balances: z.array(
      z.object({
        currency: z.string().openapi({ example: 'EUR' }),
        approved: Minor.openapi({ description: 'Approved, not in any payout yet, net of clawbacks: what the next run takes.' }),
        inPayout: Minor.openapi({ description: 'In a payout not settled yet.' }),
        pending: Minor.openapi({ description: 'Waiting for the hold period (or the sale’s completion).' }),
        held: Minor.openapi({ description: 'Held for review.' }),
        minimum: Minor.openapi({ description: 'The program’s minimum payout in this currency.' }),
        nextRunPays: z.boolean(),
        carryReason: z.string().nullable().openapi({ description: 'Why the next run would carry it over: below_minimum, not_positive, affiliate_not_approved, payout_account_missing, payout_account_not_ready.' }),
      }),
    ),
  })
  .openapi('AffiliateBalance');

export const getAffiliateBalanceRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/affiliates/{memberId}/balance',
  operationId: 'getAffiliateBalance',
  tags: ['Affiliates'],
  summary: 'Get an affiliate’s payout balance',
  description: 'Per payout currency: approved and unpaid, in a payout, pending and held amounts, the minimum, and whether the next run would pay it. An affiliate reads their own only.',
  access: ['admin', 'affiliate'],
  request: { params: MemberParams },
  responses: { 200: json(BalanceSchema, 'The balance.') },
});

export function registerGetAffiliateBalance(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getAffiliateBalanceRoute, async (c) => {
    const { programId, memberId } = c.req.valid('param');
    return c.json(await affiliateBalance(serviceContext(c), programId, memberId, payoutMethodOf(c.get('deps').config)), 200);
  });
}
