import { describe, expect, it } from 'vitest';
import { cappedPoints, rewardTriggerOf, utcMonthOf } from '../../../src/core/referrals/rewards.js';
import { referralSettingsOf, referralSettingsSchema } from '../../../src/core/referrals/settings.js';

describe('cappedPoints', () => {
  it.each([
    [100, 0, null, 100],
    [100, 10_000, null, 100],
    [100, 0, 500, 100],
    [100, 450, 500, 50],
    [100, 500, 500, 0],
    [100, 700, 500, 0], // over already (a cap lowered mid-month)
    [100, 0, 0, 0],
  ])('%i points, %i received, cap %s -> %i', (points, received, cap, expected) => {
    expect(cappedPoints(points, received, cap)).toBe(expected);
  });
});

describe('utcMonthOf', () => {
  it.each([
    ['2025-03-10T12:00:00.000Z', '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z'],
    ['2025-03-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z'],
    ['2025-03-31T23:59:59.999Z', '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z'],
    ['2024-12-31T23:00:00.000Z', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
    ['2024-02-29T10:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
  ])('%s is in [%s, %s)', (at, start, end) => {
    const month = utcMonthOf(new Date(at));
    expect([month.start.toISOString(), month.end.toISOString()]).toEqual([start, end]);
  });
});

describe('rewardTriggerOf', () => {
  it.each([
    ['signup', 'completed', 'signup'],
    ['signup', 'cancelled', null],
    ['sale', 'completed', 'first_purchase'],
    ['sale', 'partially_refunded', 'first_purchase'],
    ['sale', 'pending', null],
    ['sale', 'refunded', null],
    ['sale', 'cancelled', null],
  ] as const)('%s %s -> %s', (kind, status, expected) => {
    expect(rewardTriggerOf({ kind, status })).toBe(expected);
  });
});

describe('referral settings', () => {
  const OFF = { signup: { referrerPoints: 0, friendPoints: 0 }, firstPurchase: { referrerPoints: 0, friendPoints: 0 }, monthlyCapPoints: null };

  it('defaults to no rewards and no cap', () => {
    expect(referralSettingsOf({ settings: {} })).toEqual(OFF);
  });

  it('fills in the side not given', () => {
    expect(referralSettingsOf({ settings: { referrals: { signup: { friendPoints: 50 }, monthlyCapPoints: 1000 } } })).toEqual({
      ...OFF,
      signup: { referrerPoints: 0, friendPoints: 50 },
      monthlyCapPoints: 1000,
    });
  });

  it('falls back per key on a bad stored value', () => {
    expect(referralSettingsOf({ settings: { referrals: { signup: { referrerPoints: -5 }, firstPurchase: { referrerPoints: 200 } } } })).toEqual({
      ...OFF,
      firstPurchase: { referrerPoints: 200, friendPoints: 0 },
    });
  });

  it.each([
    [{ signup: { referrerPoints: -1 } }, 'signup.referrerPoints'],
    [{ signup: { referrerPoints: 1.5 } }, 'signup.referrerPoints'],
    [{ firstPurchase: { friendPoint: 10 } }, 'firstPurchase'],
    [{ monthlyCapPoints: -1 }, 'monthlyCapPoints'],
    [{ monthlyCap: 10 }, ''],
  ])('refuses %o', (raw, field) => {
    const result = referralSettingsSchema.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });
});
