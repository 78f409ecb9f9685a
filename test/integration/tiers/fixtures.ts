import { randomBytes } from 'node:crypto';
import { memberOrders } from '../../../db/schema/index.js';
import type { CreateTierInput } from '../../../src/core/tiers/tier-input.js';
import { createTier } from '../../../src/core/tiers/tiers.js';
import type { Harness } from '../../helpers/harness.js';

/** Bronze (open entry level), Silver (1000 points or 500.00 spend, 200 gift points), Gold (5000 points and 2 signups). */
export async function createLadder(h: Harness, programId: string, extra: Partial<Record<'bronze' | 'silver' | 'gold', Partial<CreateTierInput>>> = {}) {
  const ctx = h.ctx();
  const bronze = await createTier(ctx, { programId, tier: { name: 'Bronze', rank: 0, benefits: ['Birthday gift'], ...extra.bronze } });
  const silver = await createTier(ctx, {
    programId,
    tier: { name: 'Silver', rank: 1, qualification: { match: 'any', pointsEarned: 1000, qualifyingSpend: 50_000 }, upgradeGiftPoints: 200, pointsMultiplierBps: 12_500, benefits: ['Free shipping'], ...extra.silver },
  });
  const gold = await createTier(ctx, {
    programId,
    tier: { name: 'Gold', rank: 2, qualification: { match: 'all', pointsEarned: 5000, referredSignups: 2 }, upgradeGiftPoints: 1000, ...extra.gold },
  });
  return { bronze, silver, gold };
}

/** A completed order recorded straight in the table (order recording belongs to the points work). */
export async function recordOrder(h: Harness, programId: string, memberId: string, amount: number, opts: { currency?: string; refunded?: number; occurredAt?: Date } = {}) {
  const [order] = await h.db
    .insert(memberOrders)
    .values({
      programId,
      memberId,
      externalId: `ord-${randomBytes(6).toString('hex')}`,
      requestHash: 'test',
      amount,
      currency: opts.currency ?? 'EUR',
      refundedAmount: opts.refunded ?? 0,
      status: opts.refunded ? (opts.refunded === amount ? 'refunded' : 'partially_refunded') : 'completed',
      occurredAt: opts.occurredAt ?? h.clock(),
    })
    .returning();
  return order!;
}

export const DAY_MS = 86_400_000;
export const uniqueKey = (prefix: string) => `${prefix}-${randomBytes(6).toString('hex')}`;
