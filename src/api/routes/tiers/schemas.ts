import { z } from '@hono/zod-openapi';
import type { MemberTierStatus, TierHistoryRow } from '../../../core/tiers/member-tier.js';
import type { TierPurchase } from '../../../core/tiers/purchases.js';
import { TIER_METRICS } from '../../../core/tiers/qualify.js';
import { TierQualificationSchema } from '../../../core/tiers/tier-input.js';
import type { Tier } from '../../../core/tiers/tiers.js';
import { iso, isoOrNull, pageSchema, pathParam } from '../../pagination.js';

/** Response and path schemas shared by the tier, member tier and tier purchase routes. */

export const ProgramParams = z.object({ programId: pathParam('programId') });
export const TierParams = ProgramParams.extend({ tierId: pathParam('tierId') });
export const MemberParams = ProgramParams.extend({ memberId: pathParam('memberId') });

const Timestamp = z.string().openapi({ example: '2024-01-31T12:00:00.000Z' });

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const TierSchema = z
  .object({
    id: z.string().openapi({ example: 'tier_0lz3k8q1a7Xy2Pq9RsT0uV' }),
    programId: z.string(),
    name: z.string(),
    rank: z.number().int(),
    kind: z.enum(['standard', 'paid']),
    qualification: TierQualificationSchema,
    upgradeGiftPoints: z.number().int(),
    pointsMultiplierBps: z.number().int(),
    commissionMultiplierBps: z.number().int(),
    benefits: z.array(z.string()),
    feeAmount: z.number().int().nullable(),
    feeCurrency: z.string().nullable(),
    validityDays: z.number().int().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Tier');

export const TierPageSchema = pageSchema(TierSchema, 'TierPage');

export function tierJson(t: Tier): z.infer<typeof TierSchema> {
  return {
    id: t.id,
    programId: t.programId,
    name: t.name,
    rank: t.rank,
    kind: t.kind,
    qualification: t.qualification,
    upgradeGiftPoints: t.upgradeGiftPoints,
    pointsMultiplierBps: t.pointsMultiplierBps,
    commissionMultiplierBps: t.commissionMultiplierBps,
    benefits: t.benefits,
    feeAmount: t.feeAmount,
    feeCurrency: t.feeCurrency,
    validityDays: t.validityDays,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
  };
}

const MetricsSchema = z.object(Object.fromEntries(TIER_METRICS.map((m) => [m, z.number().int()])) as Record<(typeof TIER_METRICS)[number], z.ZodNumber>);

export const MemberTierSchema = z
  .object({
    memberId: z.string(),
    tier: TierSchema.nullable(),
    achievedAt: Timestamp.nullable(),
    expiresAt: Timestamp.nullable().openapi({ description: 'When a paid tier ends unless renewed.' }),
    window: z.object({ from: Timestamp, to: Timestamp }),
    metrics: MetricsSchema,
    nextTier: z
      .object({
        tier: TierSchema,
        match: z.enum(['any', 'all']),
        qualified: z.boolean(),
        thresholds: z.array(
          z.object({ metric: z.enum(TIER_METRICS), required: z.number().int(), current: z.number().int(), remaining: z.number().int(), met: z.boolean() }),
        ),
      })
      .nullable(),
    evaluation: z.object({ downgradeEnabled: z.boolean(), evaluationDate: Timestamp.nullable(), graceEndsAt: Timestamp.nullable() }),
  })
  .openapi('MemberTier');

export function memberTierJson(s: MemberTierStatus): z.infer<typeof MemberTierSchema> {
  return {
    memberId: s.memberId,
    tier: s.tier ? tierJson(s.tier) : null,
    achievedAt: isoOrNull(s.achievedAt),
    expiresAt: isoOrNull(s.expiresAt),
    window: { from: iso(s.window.from), to: iso(s.window.to) },
    metrics: s.metrics,
    nextTier: s.nextTier ? { ...s.nextTier, tier: tierJson(s.nextTier.tier) } : null,
    evaluation: {
      downgradeEnabled: s.evaluation.downgradeEnabled,
      evaluationDate: isoOrNull(s.evaluation.evaluationDate),
      graceEndsAt: isoOrNull(s.evaluation.graceEndsAt),
    },
  };
}

export const TierHistorySchema = z
  .object({
    id: z.string(),
    memberId: z.string(),
    fromTierId: z.string().nullable(),
    toTierId: z.string().nullable(),
    reason: z.enum(['initial', 'upgrade', 'downgrade', 'purchase', 'expiry', 'import', 'manual']),
    note: z.string().nullable(),
    effectiveAt: Timestamp,
    expiresAt: Timestamp.nullable(),
  })
  .openapi('TierHistoryEntry');

export const TierHistoryPageSchema = pageSchema(TierHistorySchema, 'TierHistoryPage');

export function tierHistoryJson(h: TierHistoryRow): z.infer<typeof TierHistorySchema> {
  return {
    id: h.id,
    memberId: h.memberId,
    fromTierId: h.fromTierId,
    toTierId: h.toTierId,
    reason: h.reason,
    note: h.note,
    effectiveAt: iso(h.effectiveAt),
    expiresAt: isoOrNull(h.expiresAt),
  };
}

export const TierPurchaseSchema = z
  .object({
    id: z.string(),
    memberId: z.string(),
    tierId: z.string(),
    idempotencyKey: z.string(),
    paymentReference: z.string(),
    feeAmount: z.number().int(),
    feeCurrency: z.string(),
    startsAt: Timestamp,
    expiresAt: Timestamp,
    createdAt: Timestamp,
  })
  .openapi('TierPurchase');

export function tierPurchaseJson(p: TierPurchase): z.infer<typeof TierPurchaseSchema> {
  return {
    id: p.id,
    memberId: p.memberId,
    tierId: p.tierId,
    idempotencyKey: p.idempotencyKey,
    paymentReference: p.paymentReference,
    feeAmount: p.feeAmount,
    feeCurrency: p.feeCurrency,
    startsAt: iso(p.startsAt),
    expiresAt: iso(p.expiresAt),
    createdAt: iso(p.createdAt),
  };
}
