import { z } from '@hono/zod-openapi';
import { COMMISSION_KINDS, COMMISSION_STATUSES } from '../../../payouts/commissions/input.js';
import { FRAUD_REASONS } from '../../../tracking/fraud/rules.js';
import { pageSchema, pathParam } from '../../pagination.js';

/** Schemas shared by the commission routes. */

export const ProgramParams = z.object({ programId: pathParam('programId') });
export const CommissionParams = z.object({ commissionId: pathParam('commissionId') });

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });
const Minor = z.number().int();

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const CommissionSchema = z
  .object({
    id: z.string().openapi({ example: 'com_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    conversionId: z.string(),
    partnerMemberId: z.string().openapi({ description: 'The credited affiliate, or the member whose invite link brought the customer.' }),
    partnerName: z.string().openapi({ description: 'The partner’s name from their member profile (empty when none is recorded).', example: 'Ana Souza' }),
    kind: z.enum(COMMISSION_KINDS).openapi({ description: '`clawback`: money taken back after payment, negative, carried into the next payout.' }),
    status: z.enum(COMMISSION_STATUSES),
    policyVersionId: z.string().nullable().openapi({ description: 'The commission policy version that made it.' }),
    country: z.string().nullable().openapi({ description: 'The market whose policy applied.', example: 'DE' }),
    amount: Minor.openapi({ description: 'Minor units of `currency` (the sale’s; the policy’s for signups).', example: 1250 }),
    currency: z.string().openapi({ example: 'EUR' }),
    reversedAmount: Minor.openapi({ description: 'Taken back by refunds before payment, pro rata.' }),
    netAmount: Minor.openapi({ description: 'amount - reversedAmount.' }),
    payoutCurrency: z.string().openapi({ example: 'EUR' }),
    payoutAmount: Minor,
    payoutReversedAmount: Minor,
    payoutNetAmount: Minor,
    fxRate: z.string().openapi({ description: 'currency -> payoutCurrency as a decimal; 1 for the same currency, 0 while a rate is missing.', example: '1' }),
    fxRateId: z.string().nullable(),
    multiplierBps: z.number().int().openapi({ description: 'The partner’s tier commission multiplier applied on top of the policy (10000 = 1x).' }),
    holdUntil: Timestamp.nullable().openapi({ description: 'When a pending commission is approved; null for a sale not yet completed.' }),
    holdReasons: z
      .array(z.string())
      .openapi({ description: `Why it is held: fraud reason codes (${FRAUD_REASONS.join(', ')}) or fx_rate_missing. See docs/conversions.md.` }),
    decidedBy: z.string().nullable().openapi({ description: 'The staff user who decided a held commission (not shown to partners).' }),
    decidedAt: Timestamp.nullable(),
    decisionReason: z.string().nullable(),
    approvedAt: Timestamp.nullable(),
    paidAt: Timestamp.nullable(),
    reversedAt: Timestamp.nullable(),
    payoutId: z.string().nullable(),
    clawbackOf: z.string().nullable().openapi({ description: 'A clawback’s paid commission.' }),
    refundId: z.string().nullable().openapi({ description: 'The refund (or `cancel`) that caused a clawback.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Commission');

export type CommissionBody = z.infer<typeof CommissionSchema>;

export const CommissionPageSchema = pageSchema(CommissionSchema, 'CommissionPage');
