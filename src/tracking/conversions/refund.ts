import { and, eq } from 'drizzle-orm';
import { conversionRefunds, conversions } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { reverseReferralRewards } from '../../core/referrals/rewards.js';
import { requestHash } from '../../core/points/views.js';
import { parseInput } from '../../core/validation.js';
import { ConflictError, UnprocessableError, ValidationError } from '../../errors.js';
import { onConversionRefunded } from '../../payouts/commissions/effects.js';
import { RefundConversionInputSchema, type RefundConversionInput } from './input.js';
import { assertMerchantOf, lockMerchantConversion } from './store.js';
import type { ConversionRow } from './types.js';
import { refundView, type ConversionRefundView, type RefundRow } from './views.js';

const reused = (refundId: string) =>
  new ConflictError('This refundId was already used for a different refund.', 'idempotency_key_reused', { refundId });

function assertRefundable(conversion: ConversionRow): void {
  const refuse = (why: string) => new UnprocessableError('unprocessable', `Conversion ${conversion.id} ${why}.`, { status: conversion.status });
  if (conversion.kind !== 'sale') throw refuse('is a signup: signups are cancelled, not refunded');
  if (conversion.status === 'cancelled') throw refuse('was cancelled');
  if (!conversion.completedAt) throw refuse('is not completed yet: complete it first, or cancel it');
}

/**
 * Refunds (part of) a completed sale. The merchant's refundId is the idempotency key: a replay
 * returns the refund, the same refundId for another amount or sale is 409. The commission shrinks
 * pro rata (or is clawed back once paid); a full refund also takes back the member rewards.
 */
export async function refundConversion(ctx: ServiceContext, programId: string, ref: string, raw: RefundConversionInput): Promise<ConversionRefundView & { replayed: boolean }> {
  const input = parseInput(RefundConversionInputSchema, raw);
  assertMerchantOf(ctx, programId);
  return await withTransaction(ctx, async (tx) => {
    const { conversion } = await lockMerchantConversion(tx, programId, ref);
    const hash = requestHash({ op: 'conversion-refund', conversionId: conversion.id, amount: input.amount });
    const [existing] = await tx.db
      .select()
      .from(conversionRefunds)
      .where(and(eq(conversionRefunds.programId, programId), eq(conversionRefunds.idempotencyKey, input.refundId)));
    if (existing) {
      if (existing.requestHash !== hash) throw reused(input.refundId);
      return { ...refundView(existing, conversion), replayed: true };
    }
    assertRefundable(conversion);
    const refundable = conversion.amount! - conversion.refundedAmount;
    if (input.amount > refundable) throw new ValidationError([{ field: 'amount', reason: `must not exceed the refundable amount (${refundable})` }]);
    const now = tx.clock();
    const [refund]: RefundRow[] = await tx.db
      .insert(conversionRefunds)
      .values({ programId, conversionId: conversion.id, idempotencyKey: input.refundId, amount: input.amount, requestHash: hash, createdAt: now })
      .onConflictDoNothing({ target: [conversionRefunds.programId, conversionRefunds.idempotencyKey] })
      .returning();
    // Only a refund of another sale can hold the key here: refunds of this one wait on its lock.
    if (!refund) throw reused(input.refundId);
    const refundedAmount = conversion.refundedAmount + input.amount;
    const full = refundedAmount === conversion.amount;
    const [updated] = await tx.db
      .update(conversions)
      .set({ refundedAmount, status: full ? 'refunded' : 'partially_refunded', updatedAt: now })
      .where(eq(conversions.id, conversion.id))
      .returning();
    await onConversionRefunded(tx, updated!, { id: refund.id, amount: input.amount, refundedBefore: conversion.refundedAmount });
    if (full) await reverseReferralRewards(tx, updated!);
    return { ...refundView(refund, updated!), replayed: false };
  });
}
