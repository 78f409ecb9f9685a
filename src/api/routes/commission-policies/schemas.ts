import { z } from '@hono/zod-openapi';
import type { PolicyPreview } from '../../../payouts/policies/preview.js';
import type { PolicyVersionView, PolicyView } from '../../../payouts/policies/views.js';
import { iso, isoOrNull, pathParam } from '../../pagination.js';

/** Schemas shared by the commission policy routes. */

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const ProgramParams = z.object({ programId: pathParam('programId') });

export const PolicyMarketParams = ProgramParams.extend({
  market: z
    .string()
    .regex(/^(default|[A-Z]{2})$/, 'must be a country code in upper case (e.g. DE) or default')
    .openapi({ param: { name: 'market', in: 'path' }, example: 'DE', description: "A country code, or `default` for the program's fallback policy." }),
});

const Money = z.number().int();

export const PolicyVersionSchema = z
  .object({
    id: z.string().openapi({ example: 'cpv_0lz3k8q1aXy2Pq9RsT0uV' }),
    policyId: z.string(),
    programId: z.string(),
    market: z.string().openapi({ example: 'DE' }),
    country: z.string().nullable(),
    version: z.number().int(),
    effectiveFrom: z.string(),
    mode: z.enum(['per_signup', 'per_transaction']),
    currency: z.string(),
    signupAmount: Money.nullable(),
    percentBps: z.number().int().nullable(),
    flatAmount: Money,
    minAmount: Money.nullable(),
    maxAmount: Money.nullable(),
    holdDays: z.number().int(),
    attributionWindowDays: z.number().int(),
    switchToPerTransactionAt: z.string().nullable(),
    note: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('CommissionPolicyVersion');

export const PolicySchema = z
  .object({
    id: z.string().openapi({ example: 'cpl_0lz3k8q1aXy2Pq9RsT0uV' }),
    programId: z.string(),
    market: z.string(),
    country: z.string().nullable(),
    current: PolicyVersionSchema.nullable().openapi({ description: 'The version in force now.' }),
    upcoming: z.array(PolicyVersionSchema).openapi({ description: 'Versions scheduled to take effect later, soonest first.' }),
    updatedAt: z.string(),
  })
  .openapi('CommissionPolicy');

const MoneyTotals = z.array(z.object({ currency: z.string(), amount: Money }));
const PreviewSide = z.object({
  commissions: z.number().int().openapi({ description: 'Conversions that earn (or earned) a commission.' }),
  totals: MoneyTotals.openapi({ description: 'Net of refunds, cancellations and clawbacks, per commission currency.' }),
  payoutAmount: Money.openapi({ description: "The same, in the program's payout currency." }),
});

export const PolicyPreviewSchema = z
  .object({
    market: z.string(),
    country: z.string().nullable(),
    from: z.string(),
    to: z.string(),
    payoutCurrency: z.string(),
    conversions: z.object({ total: z.number().int(), signups: z.number().int(), sales: z.number().int(), rejected: z.number().int() }),
    proposed: PreviewSide.extend({ unpriced: z.number().int().openapi({ description: 'Conversions left out for lack of an FX rate at their time.' }) }),
    current: PreviewSide,
    difference: z.object({ payoutAmount: Money }),
  })
  .openapi('CommissionPolicyPreview');

export const policyVersionJson = (v: PolicyVersionView): z.infer<typeof PolicyVersionSchema> => ({
  ...v,
  effectiveFrom: iso(v.effectiveFrom),
  switchToPerTransactionAt: isoOrNull(v.switchToPerTransactionAt),
  createdAt: iso(v.createdAt),
});

export const policyJson = (p: PolicyView): z.infer<typeof PolicySchema> => ({
  ...p,
  current: p.current ? policyVersionJson(p.current) : null,
  upcoming: p.upcoming.map(policyVersionJson),
  updatedAt: iso(p.updatedAt),
});

export const policyPreviewJson = (p: PolicyPreview): z.infer<typeof PolicyPreviewSchema> => ({ ...p, from: iso(p.from), to: iso(p.to) });
