import type { TierQualification } from '../../../db/schema/index.js';

/**
 * Pure tier qualification: which standard tier a member's window metrics earn them, and how far
 * they are from the next one. No database here; see metrics.ts for where the numbers come from.
 */
export const TIER_METRICS = ['pointsEarned', 'qualifyingSpend', 'referralRevenue', 'referredSignups'] as const;
export type TierMetric = (typeof TIER_METRICS)[number];
export type TierMetrics = Record<TierMetric, number>;

export interface QualifiableTier {
  rank: number;
  kind: 'standard' | 'paid';
  qualification: TierQualification;
}

export interface Threshold {
  metric: TierMetric;
  required: number;
}

/** The thresholds a qualification sets, in a fixed order; thresholds left out do not count. */
export function thresholdsOf(qualification: TierQualification): Threshold[] {
  return TIER_METRICS.flatMap((metric) => {
    const required = qualification[metric];
    return typeof required === 'number' ? [{ metric, required }] : [];
  });
}

/** A tier without thresholds is open to everyone (the entry level). */
export function meetsQualification(qualification: TierQualification, metrics: TierMetrics): boolean {
  const thresholds = thresholdsOf(qualification);
  if (thresholds.length === 0) return true;
  const met = (t: Threshold) => metrics[t.metric] >= t.required;
  return qualification.match === 'all' ? thresholds.every(met) : thresholds.some(met);
}

/**
 * The highest-ranked standard tier the metrics meet, or null when none does (a program without an
 * open entry level). Paid tiers are bought, never qualified for.
 */
export function qualifiedTier<T extends QualifiableTier>(metrics: TierMetrics, tiers: readonly T[]): T | null {
  let best: T | null = null;
  for (const tier of tiers) {
    if (tier.kind !== 'standard' || !meetsQualification(tier.qualification, metrics)) continue;
    if (!best || tier.rank > best.rank) best = tier;
  }
  return best;
}

/** The lowest-ranked standard tier above `currentRank` (null rank: the member holds no tier). */
export function nextStandardTier<T extends QualifiableTier>(tiers: readonly T[], currentRank: number | null): T | null {
  let next: T | null = null;
  for (const tier of tiers) {
    if (tier.kind !== 'standard' || (currentRank !== null && tier.rank <= currentRank)) continue;
    if (!next || tier.rank < next.rank) next = tier;
  }
  return next;
}

export interface ThresholdProgress extends Threshold {
  current: number;
  /** What is still missing; 0 once met. */
  remaining: number;
  met: boolean;
}

/** Per threshold of `qualification`: where the member stands and what is still needed. */
export function progressTowards(qualification: TierQualification, metrics: TierMetrics): { match: 'any' | 'all'; qualified: boolean; thresholds: ThresholdProgress[] } {
  const thresholds = thresholdsOf(qualification).map((t) => {
    const current = metrics[t.metric];
    return { ...t, current, remaining: Math.max(0, t.required - current), met: current >= t.required };
  });
  return { match: qualification.match, qualified: meetsQualification(qualification, metrics), thresholds };
}
