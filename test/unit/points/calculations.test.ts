import { describe, expect, it } from 'vitest';
import { addMonths, allocate, pointsForOrder, refundPointsDelta } from '../../../src/core/points/calculations.js';
import { parsePointsSettings } from '../../../src/core/points/settings.js';

describe('pointsForOrder', () => {
  it.each([
    // amount (minor), pointsPerUnit, multiplierBps, expected
    [4999, 1, 10_000, 49],
    [4999, 2, 15_000, 149],
    [100, 1, 10_000, 1],
    [99, 1, 10_000, 0],
    [1000, 0.1, 10_000, 1],
    [2990, 0.1, 10_000, 2],
    [30000, 0.3, 10_000, 90],
    [12345, 1.25, 12_500, 192],
    [1, 10_000, 10_000, 100],
    [500, 1, 0, 0],
    [9_000_000_000_000, 10, 50_000, 4_500_000_000_000],
  ])('%i minor x %d per unit x %i bps = %i points', (amount, ppu, bps, expected) => {
    expect(pointsForOrder(amount, ppu, bps)).toBe(expected);
  });
});

describe('refundPointsDelta', () => {
  it.each([
    // earned, order amount, refunded before, refund now, expected delta
    [100, 10_000, 0, 2_500, 25],
    [100, 10_000, 2_500, 7_500, 75],
    [10, 3_000, 0, 1_000, 3],
    [10, 3_000, 1_000, 1_000, 3],
    [10, 3_000, 2_000, 1_000, 4],
    [0, 500, 0, 500, 0],
    [7, 7, 0, 7, 7],
  ])('earned %i on %i, %i refunded, refunding %i takes back %i', (earned, amount, before, now, expected) => {
    expect(refundPointsDelta(earned, amount, before, now)).toBe(expected);
  });
});

describe('allocate', () => {
  const lots = [
    { id: 'a', remaining: 30 },
    { id: 'b', remaining: 50 },
    { id: 'c', remaining: 20 },
  ];
  it.each([
    [10, [{ lotId: 'a', amount: 10 }], 0],
    [30, [{ lotId: 'a', amount: 30 }], 0],
    [60, [{ lotId: 'a', amount: 30 }, { lotId: 'b', amount: 30 }], 0],
    [100, [{ lotId: 'a', amount: 30 }, { lotId: 'b', amount: 50 }, { lotId: 'c', amount: 20 }], 0],
    [120, [{ lotId: 'a', amount: 30 }, { lotId: 'b', amount: 50 }, { lotId: 'c', amount: 20 }], 20],
  ])('taking %i', (points, allocations, uncovered) => {
    expect(allocate(lots, points)).toEqual({ allocations, uncovered });
  });
});

describe('addMonths', () => {
  it.each([
    ['2024-01-15T10:00:00.000Z', 24, '2026-01-15T10:00:00.000Z'],
    ['2024-01-31T00:00:00.000Z', 1, '2024-02-29T00:00:00.000Z'],
    ['2023-01-31T00:00:00.000Z', 1, '2023-02-28T00:00:00.000Z'],
    ['2024-11-30T12:00:00.000Z', 3, '2025-02-28T12:00:00.000Z'],
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(addMonths(new Date(from), months).toISOString()).toBe(expected);
  });
});

describe('points settings', () => {
  it('fills defaults and names bad fields', () => {
    expect(parsePointsSettings(undefined)).toEqual({ pendingDays: 0, expiryMonths: 24, pointsPerUnit: 1 });
    expect(parsePointsSettings({ expiryMonths: null }).expiryMonths).toBeNull();
    expect(() => parsePointsSettings({ pendingDays: -1 })).toThrow(/settings\.points\.pendingDays/);
    expect(() => parsePointsSettings({ pointsPerUnit: 0.12345 })).toThrow(/settings\.points\.pointsPerUnit/);
  });
});
