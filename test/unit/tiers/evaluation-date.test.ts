import { describe, expect, it } from 'vitest';
import { addMonthsUtc, dueEvaluationDate, upcomingEvaluationDate } from '../../../src/core/tiers/evaluation-date.js';

const d = (s: string) => new Date(s);

describe('addMonthsUtc', () => {
  it.each([
    { from: '2024-01-15T10:00:00.000Z', months: 12, expected: '2025-01-15T10:00:00.000Z' },
    { from: '2024-01-31T00:00:00.000Z', months: 1, expected: '2024-02-29T00:00:00.000Z' },
    { from: '2023-01-31T00:00:00.000Z', months: 1, expected: '2023-02-28T00:00:00.000Z' },
    { from: '2024-02-29T12:00:00.000Z', months: 12, expected: '2025-02-28T12:00:00.000Z' },
    { from: '2024-11-30T00:00:00.000Z', months: 3, expected: '2025-02-28T00:00:00.000Z' },
    { from: '2024-03-31T00:00:00.000Z', months: -1, expected: '2024-02-29T00:00:00.000Z' },
  ])('$from + $months months = $expected', ({ from, months, expected }) => {
    expect(addMonthsUtc(d(from), months).toISOString()).toBe(expected);
  });
});

describe('evaluation dates', () => {
  const schedule = { achievedAt: d('2024-01-10T00:00:00.000Z'), windowMonths: 12, graceDays: 30 };
  it.each([
    { now: '2024-06-01T00:00:00.000Z', due: null, upcoming: '2025-01-10T00:00:00.000Z' },
    { now: '2025-01-10T00:00:00.000Z', due: null, upcoming: '2025-01-10T00:00:00.000Z' },
    { now: '2025-02-08T23:59:59.000Z', due: null, upcoming: '2025-01-10T00:00:00.000Z' },
    { now: '2025-02-09T00:00:00.000Z', due: '2025-01-10T00:00:00.000Z', upcoming: '2026-01-10T00:00:00.000Z' },
    { now: '2026-03-01T00:00:00.000Z', due: '2026-01-10T00:00:00.000Z', upcoming: '2027-01-10T00:00:00.000Z' },
  ])('at $now: due $due, upcoming $upcoming', ({ now, due, upcoming }) => {
    expect(dueEvaluationDate(schedule, d(now))?.toISOString() ?? null).toBe(due);
    expect(upcomingEvaluationDate(schedule, d(now)).toISOString()).toBe(upcoming);
  });
});
