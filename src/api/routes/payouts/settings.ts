import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { getPayoutSettings } from '../../../payouts/payouts/list.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';
import { json, ProgramParams } from './schemas.js';

const PayoutSettingsSchema = z
  .object({
    schedule: z.enum(['monthly', 'manual']),
    dayOfMonth: z.number().int().openapi({ description: 'Day of the month (UTC, 1..28) the monthly run starts.' }),
    minimumAmount: z.number().int().openapi({ description: 'Minor units of `currency`; smaller balances carry over. Default 50.00.', example: 5000 }),
    currency: z.string().openapi({ description: 'The program’s payout currency.', example: 'EUR' }),
  })
  .openapi('PayoutSettings');

export const getPayoutSettingsRoute = defineRoute({
  method: 'get',
  path: '/v1/programs/{programId}/payout-settings',
  operationId: 'getPayoutSettings',
  tags: ['Payouts'],
  summary: 'Get the effective payout settings',
  description: 'The `payouts` settings namespace with defaults applied. Change them with a program update (`settings.payouts`).',
  access: ['admin', 'regional_manager'],
  request: { params: ProgramParams },
  responses: { 200: json(PayoutSettingsSchema, 'The effective settings.') },
});

export function registerGetPayoutSettings(app: OpenAPIHono<AppEnv>) {
  return app.openapi(getPayoutSettingsRoute, async (c) => {
    const { programId } = c.req.valid('param');
    return c.json(await getPayoutSettings(serviceContext(c), programId), 200);
  });
}
