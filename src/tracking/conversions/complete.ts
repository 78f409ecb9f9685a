import { eq } from 'drizzle-orm';
import { conversions } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { parseInput } from '../../core/validation.js';
import { UnprocessableError, ValidationError } from '../../errors.js';
import { onConversionCompleted } from '../../payouts/commissions/effects.js';
import { CLOCK_SKEW_MS, CompleteConversionInputSchema, type CompleteConversionInput } from './input.js';
import { assertMerchantOf, lockMerchantConversion } from './store.js';
import { conversionView, type ConversionView } from './views.js';

/**
 * Marks a sale completed: its commission's hold period starts now, and only a completed sale is
 * ever paid. Completing a completed sale changes nothing; a cancelled one cannot be completed.
 */
export async function completeConversion(ctx: ServiceContext, programId: string, ref: string, raw: CompleteConversionInput = {}): Promise<ConversionView> {
  const input = parseInput(CompleteConversionInputSchema, raw);
  assertMerchantOf(ctx, programId);
  return await withTransaction(ctx, async (tx) => {
    const { conversion } = await lockMerchantConversion(tx, programId, ref);
    if (conversion.status === 'cancelled') {
      throw new UnprocessableError('unprocessable', `Conversion ${conversion.id} was cancelled and cannot be completed.`, { status: conversion.status });
    }
    if (conversion.completedAt) return conversionView(conversion);
    const now = tx.clock();
    const completedAt = input.completedAt ? new Date(input.completedAt) : now;
    if (completedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw new ValidationError([{ field: 'completedAt', reason: 'must not be in the future' }]);
    if (completedAt < conversion.occurredAt) throw new ValidationError([{ field: 'completedAt', reason: 'must not be before the sale occurred' }]);
    const [updated] = await tx.db
      .update(conversions)
      // Only a pending sale has no completedAt (refunds need a completed sale), so it becomes completed.
      .set({ completedAt, status: 'completed', updatedAt: now })
      .where(eq(conversions.id, conversion.id))
      .returning();
    await onConversionCompleted(tx, updated!);
    return conversionView(updated!);
  });
}
