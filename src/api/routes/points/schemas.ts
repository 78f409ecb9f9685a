import { z } from '@hono/zod-openapi';
import { ValidationError } from '../../../errors.js';

/** Schemas shared by the points and orders routes. */

const Id = z.string().min(1).max(64);
export const MemberParams = z.object({ programId: Id, memberId: Id });
export const EntryParams = z.object({ programId: Id, entryId: Id });
export const OrderParams = MemberParams.extend({ orderId: Id });

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const IdempotencyHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });
export const IdempotencyKeyField = z.string().min(1).max(200).optional().openapi({ description: 'Or the Idempotency-Key header.' });

/** The body field wins; both given and different is a validation error; neither is `idempotencyKey: is required`. */
export function resolveIdempotencyKey(body: string | undefined, header: string | undefined): string {
  if (body && header && body !== header) {
    throw new ValidationError([{ field: 'idempotencyKey', reason: 'differs from the Idempotency-Key header' }]);
  }
  const key = body ?? header;
  if (!key) throw new ValidationError([{ field: 'idempotencyKey', reason: 'is required (body field or Idempotency-Key header)' }]);
  return key;
}

export const PointsEntrySchema = z
  .object({
    id: z.string().openapi({ example: 'pte_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    memberId: z.string(),
    kind: z.enum(['earn', 'redeem', 'expire', 'adjust', 'reverse']),
    amount: z.number().int().openapi({ description: 'Signed: credits are positive, debits negative.' }),
    shortfall: z.number().int().openapi({ description: 'Points a reversal could not take back because they were spent.' }),
    idempotencyKey: z.string(),
    reason: z.string().nullable(),
    reference: z.string().nullable(),
    reversesEntryId: z.string().nullable(),
    orderId: z.string().nullable(),
    availableAt: Timestamp.nullable(),
    expiresAt: Timestamp.nullable(),
    actor: z.object({ type: z.string(), id: z.string().nullable() }).openapi({
      description:
        'Who wrote the entry: `type` is `admin`, `regional_manager`, `api_key`, `system`... and `id` theirs. Affiliates and members see staff as `staff` and no id other than their own.',
    }),
    createdAt: Timestamp,
  })
  .openapi('PointsEntry');

export const PointsBalanceSchema = z
  .object({
    memberId: z.string(),
    available: z.number().int(),
    pending: z.number().int(),
    lifetimeEarned: z.number().int(),
    expiringSoon: z.array(z.object({ points: z.number().int(), expiresAt: Timestamp })),
  })
  .openapi('PointsBalance');

export const PointsEntryPageSchema = z.object({ data: z.array(PointsEntrySchema), nextCursor: z.string().nullable() }).openapi('PointsEntryPage');

export const MemberOrderSchema = z
  .object({
    id: z.string().openapi({ example: 'ord_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    memberId: z.string(),
    externalId: z.string(),
    amount: z.number().int().openapi({ description: 'Minor units.' }),
    currency: z.string(),
    refundedAmount: z.number().int(),
    status: z.enum(['completed', 'partially_refunded', 'refunded']),
    occurredAt: Timestamp,
    earnEntryId: z.string().nullable(),
    pointsEarned: z.number().int(),
    createdAt: Timestamp,
  })
  .openapi('MemberOrder');

export const OrderRefundSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    pointsReversed: z.number().int(),
    pointsShortfall: z.number().int().openapi({ description: 'Points already spent that could not be taken back.' }),
    entryId: z.string().nullable(),
    idempotencyKey: z.string(),
    createdAt: Timestamp,
  })
  .openapi('OrderRefund');

export const Points = z.number().int().min(1).max(1_000_000_000_000);
