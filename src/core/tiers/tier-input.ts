import { z } from '@hono/zod-openapi';
import type { FieldIssue } from '../../errors.js';
import { thresholdsOf } from './qualify.js';

/**
 * Tier input shapes shared by the API and the services. They check form; rules that span fields
 * (paid tiers need a fee) are checked by `tierRuleIssues` on the tier as it would be stored.
 */
const threshold = z.number().int('must be a whole number').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);
const bps = z.number().int('must be a whole number of basis points').min(0, 'must not be negative').max(1_000_000);

export const TierQualificationSchema = z
  .object({
    match: z.enum(['any', 'all']).default('any').openapi({ description: 'Whether any one or all of the given thresholds must be met.' }),
    pointsEarned: threshold.optional(),
    qualifyingSpend: threshold.optional().openapi({ description: 'Minor units of the payout currency.' }),
    referralRevenue: threshold.optional().openapi({ description: 'Minor units of the payout currency.' }),
    referredSignups: threshold.optional(),
  })
  .strict()
  .openapi('TierQualification');

const fields = {
  name: z.string().trim().min(1).max(100),
  rank: z.number().int('must be a whole number').min(0, 'must not be negative').max(1000).openapi({ description: '0 is the entry level; higher is better. Unique per program.' }),
  kind: z.enum(['standard', 'paid']),
  qualification: TierQualificationSchema,
  upgradeGiftPoints: z.number().int().min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER),
  pointsMultiplierBps: bps.openapi({ description: '10000 = 1.0x' }),
  commissionMultiplierBps: bps.openapi({ description: '10000 = 1.0x' }),
  benefits: z.array(z.string().trim().min(1).max(200)).max(50),
  feeAmount: z.number().int().positive('must be positive').max(Number.MAX_SAFE_INTEGER).nullable(),
  feeCurrency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in upper case, e.g. EUR').nullable(),
  validityDays: z.number().int().min(1, 'must be at least 1').max(3660).nullable(),
};

export const CreateTierSchema = z
  .object({
    name: fields.name,
    rank: fields.rank,
    kind: fields.kind.default('standard'),
    qualification: fields.qualification.default({ match: 'any' }),
    upgradeGiftPoints: fields.upgradeGiftPoints.default(0),
    pointsMultiplierBps: fields.pointsMultiplierBps.default(10_000),
    commissionMultiplierBps: fields.commissionMultiplierBps.default(10_000),
    benefits: fields.benefits.default([]),
    feeAmount: fields.feeAmount.default(null),
    feeCurrency: fields.feeCurrency.default(null),
    validityDays: fields.validityDays.default(null),
  })
  .strict()
  .openapi('CreateTier');

/** A partial update; the qualification, when given, replaces the stored one whole. */
export const UpdateTierSchema = z.object(fields).partial().strict().openapi('UpdateTier');

export type CreateTierInput = z.input<typeof CreateTierSchema>;
export type UpdateTierInput = z.input<typeof UpdateTierSchema>;
export type TierFields = z.output<typeof CreateTierSchema>;

/** Rules across fields, checked on the tier as it would be stored after a create or an update. */
export function tierRuleIssues(tier: TierFields): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const thresholds = thresholdsOf(tier.qualification);
  if (tier.kind === 'paid') {
    if (tier.feeAmount === null) issues.push({ field: 'feeAmount', reason: 'is required for a paid tier' });
    if (tier.feeCurrency === null) issues.push({ field: 'feeCurrency', reason: 'is required for a paid tier' });
    if (tier.validityDays === null) issues.push({ field: 'validityDays', reason: 'is required for a paid tier' });
    if (thresholds.length) issues.push({ field: 'qualification', reason: 'a paid tier is bought, so it takes no thresholds' });
  } else {
    for (const field of ['feeAmount', 'feeCurrency', 'validityDays'] as const) {
      if (tier[field] !== null) issues.push({ field, reason: 'only a paid tier has a fee' });
    }
    // Without a threshold everyone qualifies, which would make every tier below it unreachable.
    if (tier.rank > 0 && thresholds.length === 0) {
      issues.push({ field: 'qualification', reason: 'a standard tier above rank 0 needs at least one threshold' });
    }
  }
  return issues;
}
