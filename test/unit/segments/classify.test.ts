import { describe, expect, it } from 'vitest';
import { classifyMember, type MemberRfm, type Segment } from '../../../src/core/segments/classify.js';
import { DEFAULT_SEGMENT_SETTINGS, parseSegmentSettings, type SegmentSettings } from '../../../src/core/segments/settings.js';

// Defaults: window 365 d, big spender >= 50_000, loyal >= 5 orders, returning >= 2, at risk > 90 d, churned > 180 d.
const s = DEFAULT_SEGMENT_SETTINGS;
const rfm = (over: Partial<MemberRfm>): MemberRfm => ({ recencyDays: 10, tenureDays: 400, frequency: 1, monetary: 1_000, currency: 'EUR', ...over });

const cases: [string, Partial<MemberRfm>, Segment, SegmentSettings?][] = [
  ['one recent order', {}, 'new'],
  ['joined yesterday, never ordered', { recencyDays: null, tenureDays: 1, frequency: 0, monetary: 0 }, 'new'],
  ['never ordered, joined 90 days ago (not yet at risk)', { recencyDays: null, tenureDays: 90, frequency: 0, monetary: 0 }, 'new'],
  ['never ordered, joined 91 days ago', { recencyDays: null, tenureDays: 91, frequency: 0, monetary: 0 }, 'at_risk'],
  ['never ordered, joined 181 days ago', { recencyDays: null, tenureDays: 181, frequency: 0, monetary: 0 }, 'churned'],
  ['two orders', { frequency: 2 }, 'returning'],
  ['four orders', { frequency: 4 }, 'returning'],
  ['five orders', { frequency: 5 }, 'loyal'],
  ['spend just below big spender', { monetary: 49_999, frequency: 1 }, 'new'],
  ['spend at big spender threshold', { monetary: 50_000 }, 'big_spender'],
  ['big spender beats loyal', { monetary: 80_000, frequency: 9 }, 'big_spender'],
  ['last order 90 days ago is still active', { recencyDays: 90, frequency: 3 }, 'returning'],
  ['last order 91 days ago', { recencyDays: 91, frequency: 3 }, 'at_risk'],
  ['at risk beats big spender', { recencyDays: 120, monetary: 90_000, frequency: 6 }, 'at_risk'],
  ['last order 180 days ago is at risk, not churned', { recencyDays: 180 }, 'at_risk'],
  ['last order 181 days ago', { recencyDays: 181 }, 'churned'],
  ['churned beats everything', { recencyDays: 400, frequency: 0, monetary: 0 }, 'churned'],
  ['a recent order counts even for an old member', { recencyDays: 0, tenureDays: 2000 }, 'new'],
  ['imported member: joined today, last order long ago', { recencyDays: 200, tenureDays: 0, frequency: 0, monetary: 0 }, 'churned'],
  [
    'custom thresholds',
    { recencyDays: 20, frequency: 3, monetary: 100 },
    'loyal',
    parseSegmentSettings({ loyalMinOrders: 3, returningMinOrders: 2, atRiskAfterDays: 30, churnedAfterDays: 60 }),
  ],
  ['spend in a currency with its own threshold', { monetary: 60_000, currency: 'BRL' }, 'new', parseSegmentSettings({ bigSpenderMinSpendByCurrency: { BRL: 250_000 } })],
  ['reaching a currency threshold', { monetary: 250_000, currency: 'BRL' }, 'big_spender', parseSegmentSettings({ bigSpenderMinSpendByCurrency: { BRL: 250_000 } })],
  ['other currencies keep the general threshold', { monetary: 50_000, currency: 'EUR' }, 'big_spender', parseSegmentSettings({ bigSpenderMinSpendByCurrency: { BRL: 250_000 } })],
  ['custom at-risk threshold', { recencyDays: 31 }, 'at_risk', parseSegmentSettings({ atRiskAfterDays: 30, churnedAfterDays: 60 })],
];

describe('classifyMember', () => {
  it.each(cases)('%s', (_name, over, expected, settings) => {
    expect(classifyMember(rfm(over), settings ?? s)).toBe(expected);
  });
});

describe('segment settings', () => {
  it('fills defaults', () => {
    expect(parseSegmentSettings(undefined)).toEqual({
      windowDays: 365,
      bigSpenderMinSpend: 50_000,
      bigSpenderMinSpendByCurrency: {},
      loyalMinOrders: 5,
      returningMinOrders: 2,
      atRiskAfterDays: 90,
      churnedAfterDays: 180,
    });
  });

  it.each([
    [{ windowDays: 0 }, 'settings.segments.windowDays'],
    [{ loyalMinOrders: 1.5 }, 'settings.segments.loyalMinOrders'],
    [{ bigSpenderMinSpend: 'lots' }, 'settings.segments.bigSpenderMinSpend'],
    [{ bigSpenderMinSpendByCurrency: { brl: 10 } }, 'settings.segments.bigSpenderMinSpendByCurrency.brl'],
    [{ atRiskAfterDays: 200, churnedAfterDays: 100 }, 'settings.segments.churnedAfterDays'],
    [{ returningMinOrders: 5, loyalMinOrders: 5 }, 'settings.segments.loyalMinOrders'],
  ])('rejects %j naming the field', (raw, field) => {
    expect(() => parseSegmentSettings(raw)).toThrowError(expect.objectContaining({ code: 'validation_failed', details: { issues: [expect.objectContaining({ field })] } }));
  });
});
