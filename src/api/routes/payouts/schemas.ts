import { z } from '@hono/zod-openapi';
import { PAYOUT_STATUSES } from '../../../payouts/payouts/list.js';
import { pageSchema, pathParam } from '../../pagination.js';

/** Schemas shared by the payout and payout run routes. */

export const ProgramParams = z.object({ programId: pathParam('programId') });
export const PayoutParams = ProgramParams.extend({ payoutId: pathParam('payoutId') });
export const RunParams = ProgramParams.extend({ runId: pathParam('runId') });
export const MemberParams = ProgramParams.extend({ memberId: pathParam('memberId') });

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const Timestamp = z.string().openapi({ example: '2026-11-01T00:00:00.000Z' });
const Minor = z.number().int();
const Method = z.enum(['stripe', 'manual']).openapi({ description: '`stripe`: a Stripe Connect transfer; `manual`: an admin pays and marks it paid (no STRIPE_SECRET_KEY).' });

export const PayoutItemSchema = z
  .object({
    commissionId: z.string(),
    amount: Minor.openapi({ description: 'The commission’s net payout amount when the payout was made (negative for a clawback).' }),
    paidLeafHash: z.string().nullable().openapi({ description: 'Hex RFC 9162 leaf hash of the commission’s `commission.paid` log entry, once paid.' }),
  })
  .openapi('PayoutItem');

export const PayoutSchema = z
  .object({
    id: z.string().openapi({ example: 'pay_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    runId: z.string(),
    programId: z.string(),
    partnerMemberId: z.string(),
    currency: z.string().openapi({ example: 'EUR' }),
    amount: Minor.openapi({ description: 'Minor units of `currency`: the net of its commissions, clawbacks included.', example: 12_500 }),
    commissionCount: z.number().int(),
    method: Method,
    status: z.enum(PAYOUT_STATUSES),
    stripeAccountId: z.string().nullable(),
    stripeTransferId: z.string().nullable(),
    manualReference: z.string().nullable(),
    attempts: z.number().int(),
    lastAttemptAt: Timestamp.nullable(),
    failureCode: z.string().nullable().openapi({ description: 'Why it failed: Stripe’s error code, or network_error / stripe_unavailable / rate_limited after the retries.' }),
    failureMessage: z.string().nullable(),
    paidAt: Timestamp.nullable(),
    paidBy: z.string().nullable().openapi({ description: 'The admin who marked a manual payout paid (staff only).' }),
    failedAt: Timestamp.nullable(),
    reversedAmount: Minor,
    reversedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    items: z.array(PayoutItemSchema).optional().openapi({ description: 'The commissions it settles (single payout reads only).' }),
  })
  .openapi('Payout');

export const PayoutPageSchema = pageSchema(PayoutSchema, 'PayoutPage');

export const PayoutRunSchema = z
  .object({
    id: z.string().openapi({ example: 'prn_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    status: z.enum(['pending', 'running', 'completed', 'failed']),
    trigger: z.enum(['schedule', 'admin']),
    method: Method,
    periodKey: z.string().nullable().openapi({ description: 'The month (UTC) of a scheduled run.', example: '2026-11' }),
    idempotencyKey: z.string().nullable(),
    requestedBy: z.string().nullable(),
    cutoffAt: Timestamp.openapi({ description: 'Commissions approved up to this moment are in the run.' }),
    startedAt: Timestamp.nullable(),
    completedAt: Timestamp.nullable(),
    summary: z
      .record(z.string(), z.unknown())
      .openapi({ description: '`payouts` and `carried` (count and amounts per currency; `carried.balances` lists each balance carried over with its reason). Empty until assembled.' }),
    error: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('PayoutRun');

export const PayoutRunPageSchema = pageSchema(PayoutRunSchema, 'PayoutRunPage');
export const PayoutRunDetailSchema = PayoutRunSchema.extend({ payouts: z.array(PayoutSchema) }).openapi('PayoutRunDetail');
