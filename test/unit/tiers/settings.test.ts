import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { tierSettings } from '../../../src/core/tiers/settings.js';

describe('tierSettings', () => {
  it.each([
    { case: 'nothing stored', settings: {}, expected: { windowMonths: 12, downgradeEnabled: false, downgradeGraceDays: 30 } },
    { case: 'other domains only', settings: { points: { pendingDays: 3 } }, expected: { windowMonths: 12, downgradeEnabled: false, downgradeGraceDays: 30 } },
    { case: 'partly set', settings: { tiers: { downgradeEnabled: true, windowMonths: 6 } }, expected: { windowMonths: 6, downgradeEnabled: true, downgradeGraceDays: 30 } },
  ])('fills defaults: $case', ({ settings, expected }) => {
    expect(tierSettings({ settings })).toEqual(expected);
  });

  it.each([
    { value: { windowMonths: 0 }, field: 'settings.tiers.windowMonths' },
    { value: { downgradeGraceDays: -1 }, field: 'settings.tiers.downgradeGraceDays' },
    { value: { downgradeEnabled: 'yes' }, field: 'settings.tiers.downgradeEnabled' },
  ])('names the bad field $field', ({ value, field }) => {
    try {
      tierSettings({ settings: { tiers: value } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.field)).toEqual([field]);
    }
  });
});
