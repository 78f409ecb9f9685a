import { describe, expect, it } from 'vitest';
import { utcDay } from '../../../src/tracking/clicks/classify.js';

describe('utcDay', () => {
  it('names the UTC day of an instant, across day, month and year boundaries and back', () => {
    const cases: [string, string][] = [
      ['2026-11-29T23:59:59.999Z', '2026-11-29'],
      ['2026-11-30T00:00:00.000Z', '2026-11-30'],
      ['2026-12-31T23:59:59.999Z', '2026-12-31'],
      ['2027-01-01T00:00:00.000Z', '2027-01-01'],
      ['2026-11-29T12:00:00.000Z', '2026-11-29'],
      ['1969-12-31T23:00:00.000Z', '1969-12-31'],
    ];
    for (const [instant, day] of cases) {
      expect(utcDay(new Date(instant))).toBe(day);
      expect(utcDay(Date.parse(instant))).toBe(day);
    }
  });
});
