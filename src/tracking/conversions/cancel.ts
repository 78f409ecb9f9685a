import { eq } from 'drizzle-orm';
import { conversions } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { reverseReferralRewards } from '../../core/referrals/rewards.js';
import { parseInput } from '../../core/validation.js';
import { onConversionCancelled } from '../../payouts/commissions/effects.js';
import { CancelConversionInputSchema, type CancelConversionInput } from './input.js';
import { assertMerchantOf, lockMerchantConversion } from './store.js';
import { conversionView, type ConversionView } from './views.js';

/**
 * Cancels a signup or sale: its commission is reversed in full (or clawed back once paid) and the
 * member rewards it earned are taken back. Cancelling twice changes nothing. The reason, which the
 * conversion has no column for, is kept in the audit log.
 */
export async function cancelConversion(ctx: ServiceContext, programId: string, ref: string, raw: CancelConversionInput = {}): Promise<ConversionView> {
  const input = parseInput(CancelConversionInputSchema, raw);
  assertMerchantOf(ctx, programId);
  return await withTransaction(ctx, async (tx) => {
    const { conversion, tenantId } = await lockMerchantConversion(tx, programId, ref);
    if (conversion.status === 'cancelled') return conversionView(conversion);
    const now = tx.clock();
    const [updated] = await tx.db.update(conversions).set({ status: 'cancelled', cancelledAt: now, updatedAt: now }).where(eq(conversions.id, conversion.id)).returning();
    await recordAudit(tx, {
      tenantId,
      programId,
      action: 'conversion.cancelled',
      entityType: 'conversion',
      entityId: conversion.id,
      before: { status: conversion.status },
      after: { status: 'cancelled', reason: input.reason ?? null },
    });
    await onConversionCancelled(tx, updated!);
    await reverseReferralRewards(tx, updated!);
    return conversionView(updated!);
  });
}
