import { describe, expect, it } from 'vitest';
import type { TierQualification } from '../../../db/schema/index.js';
import { meetsQualification, nextStandardTier, progressTowards, qualifiedTier, type QualifiableTier, type TierMetrics } from '../../../src/core/tiers/qualify.js';

const metrics = (m: Partial<TierMetrics> = {}): TierMetrics => ({ pointsEarned: 0, qualifyingSpend: 0, referralRevenue: 0, referredSignups: 0, ...m });
const tier = (name: string, rank: number, qualification: TierQualification, kind: 'standard' | 'paid' = 'standard') => ({ name, rank, kind, qualification });

// Bronze is the open entry level; Silver needs 1000 points OR 50000 spend; Gold needs both 5000 points AND 3 signups.
const ladder: (QualifiableTier & { name: string })[] = [
  tier('Gold', 2, { match: 'all', pointsEarned: 5000, referredSignups: 3 }),
  tier('Bronze', 0, { match: 'any' }),
  tier('Silver', 1, { match: 'any', pointsEarned: 1000, qualifyingSpend: 50_000 }),
  tier('VIP', 9, { match: 'any' }, 'paid'),
];

describe('meetsQualification', () => {
  it.each([
    { case: 'no thresholds: everyone', q: { match: 'any' as const }, m: metrics(), expected: true },
    { case: 'no thresholds with all: everyone', q: { match: 'all' as const }, m: metrics(), expected: true },
    { case: 'any: one of two met', q: { match: 'any' as const, pointsEarned: 10, referralRevenue: 500 }, m: metrics({ referralRevenue: 500 }), expected: true },
    { case: 'any: none met', q: { match: 'any' as const, pointsEarned: 10, referralRevenue: 500 }, m: metrics({ pointsEarned: 9, referralRevenue: 499 }), expected: false },
    { case: 'all: one of two met', q: { match: 'all' as const, pointsEarned: 10, referredSignups: 2 }, m: metrics({ pointsEarned: 10, referredSignups: 1 }), expected: false },
    { case: 'all: both met exactly', q: { match: 'all' as const, pointsEarned: 10, referredSignups: 2 }, m: metrics({ pointsEarned: 10, referredSignups: 2 }), expected: true },
    { case: 'zero threshold is always met', q: { match: 'all' as const, qualifyingSpend: 0 }, m: metrics(), expected: true },
  ])('$case', ({ q, m, expected }) => {
    expect(meetsQualification(q, m)).toBe(expected);
  });
});

describe('qualifiedTier', () => {
  it.each([
    { case: 'nothing done: entry level', m: metrics(), expected: 'Bronze' },
    { case: 'points reach Silver', m: metrics({ pointsEarned: 1000 }), expected: 'Silver' },
    { case: 'spend alone reaches Silver (any)', m: metrics({ qualifyingSpend: 50_000 }), expected: 'Silver' },
    { case: 'Gold points without signups stay Silver (all)', m: metrics({ pointsEarned: 9000 }), expected: 'Silver' },
    { case: 'Gold with both thresholds', m: metrics({ pointsEarned: 5000, referredSignups: 3 }), expected: 'Gold' },
    { case: 'Gold skips an unmet Silver threshold', m: metrics({ pointsEarned: 5000, referredSignups: 3, qualifyingSpend: 0 }), expected: 'Gold' },
  ])('$case', ({ m, expected }) => {
    expect(qualifiedTier(m, ladder)?.name).toBe(expected);
  });

  it('never picks a paid tier and answers null without an open entry level', () => {
    const noEntry = [tier('Silver', 1, { match: 'any', pointsEarned: 1000 }), tier('VIP', 0, { match: 'any' }, 'paid')];
    expect(qualifiedTier(metrics(), noEntry)).toBeNull();
    expect(qualifiedTier(metrics({ pointsEarned: 1000 }), noEntry)?.name).toBe('Silver');
  });
});

describe('nextStandardTier and progress', () => {
  it.each([
    { current: null, expected: 'Bronze' },
    { current: 0, expected: 'Silver' },
    { current: 1, expected: 'Gold' },
    { current: 2, expected: undefined },
  ])('above rank $current comes $expected', ({ current, expected }) => {
    expect(nextStandardTier(ladder, current)?.name).toBe(expected);
  });

  it('says what is still missing per threshold', () => {
    const p = progressTowards({ match: 'all', pointsEarned: 5000, referredSignups: 3 }, metrics({ pointsEarned: 4200, referredSignups: 5 }));
    expect(p).toEqual({
      match: 'all',
      qualified: false,
      thresholds: [
        { metric: 'pointsEarned', required: 5000, current: 4200, remaining: 800, met: false },
        { metric: 'referredSignups', required: 3, current: 5, remaining: 0, met: true },
      ],
    });
  });
});
