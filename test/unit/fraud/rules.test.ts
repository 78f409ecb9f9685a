import { describe, expect, it } from 'vitest';
import {
  exceedsVelocity,
  FRAUD_REASONS,
  fraudReasonsFromFacts,
  isClickInjection,
  velocityIpHash,
  type FraudFacts,
} from '../../../src/tracking/fraud/rules.js';
import { fraudSettingsOf, fraudSettingsSchema, type FraudSettings } from '../../../src/tracking/fraud/settings.js';

const T = new Date('2025-03-10T12:00:00.000Z');
const secondsBefore = (s: number) => new Date(T.getTime() - s * 1000);
const DEFAULTS: FraudSettings = { minClickToConversionSeconds: 10, flagNoClick: false, maxConversionsPerIpPerHour: 5, maxConversionsPerLinkPerHour: 100 };

/** A clean conversion brought by a click an hour earlier. */
const clean: FraudFacts = {
  kind: 'sale',
  method: 'click_id',
  occurredAt: T,
  click: { clickedAt: secondsBefore(3600), status: 'counted' },
  customerIsPartner: false,
  partnerIpMatch: false,
  repeatSignup: false,
  boundToOtherPartner: false,
  recentFromIp: 0,
  recentOnLink: 0,
};

describe('isClickInjection', () => {
  it.each([
    [secondsBefore(9), 10, true],
    [secondsBefore(9.999), 10, true],
    [secondsBefore(10), 10, false],
    [secondsBefore(3600), 10, false],
    [new Date(T.getTime() + 5000), 10, true], // a click after the conversion
    [T, 0, false], // 0 turns the rule off
    [new Date(T.getTime() + 5000), 0, false],
  ])('click at %s, threshold %is -> %s', (clickedAt, min, expected) => {
    expect(isClickInjection(clickedAt, T, min)).toBe(expected);
  });
});

describe('exceedsVelocity', () => {
  it.each([
    [4, 5, false], // this one is the 5th: allowed
    [5, 5, true], // the 6th
    [0, 1, false],
    [1, 1, true],
    [1_000, null, false], // rule off
    [null, 5, false], // not counted (no IP hash, no link)
  ])('%s earlier, max %s -> %s', (others, max, expected) => {
    expect(exceedsVelocity(others, max)).toBe(expected);
  });
});

describe('fraudReasonsFromFacts', () => {
  it('finds nothing in a clean conversion', () => {
    expect(fraudReasonsFromFacts(clean, DEFAULTS)).toEqual([]);
  });

  it.each<[string, Partial<FraudFacts>, Partial<FraudSettings>, string[]]>([
    ['customer is the partner', { customerIsPartner: true }, {}, ['self_referral']],
    ['partner logged in from the IP', { partnerIpMatch: true }, {}, ['self_referral']],
    ['repeat signup', { kind: 'signup', repeatSignup: true }, {}, ['duplicate_customer']],
    ['repeat flag ignored for a sale', { repeatSignup: true }, {}, []],
    ['sale of a customer bound to another partner', { boundToOtherPartner: true }, {}, ['duplicate_customer']],
    ['bound flag ignored for a signup', { kind: 'signup', boundToOtherPartner: true }, {}, []],
    ['click 3 s before', { click: { clickedAt: secondsBefore(3), status: 'counted' } }, {}, ['click_injection']],
    ['cookie click 3 s before', { method: 'cookie', click: { clickedAt: secondsBefore(3), status: 'counted' } }, {}, ['click_injection']],
    ['binding click of a recurring sale is not judged by time', { method: 'customer', click: { clickedAt: secondsBefore(3), status: 'counted' } }, {}, []],
    ['click 3 s before with the rule off', { click: { clickedAt: secondsBefore(3), status: 'counted' } }, { minClickToConversionSeconds: 0 }, []],
    ['promo code without click, flag off', { method: 'promo_code', click: null }, {}, []],
    ['promo code without click, flag on', { method: 'promo_code', click: null }, { flagNoClick: true }, ['no_click']],
    ['customer binding without click, flag on', { method: 'customer', click: null }, { flagNoClick: true }, ['no_click']],
    ['click-attributed, flag on', {}, { flagNoClick: true }, []],
    ['6th conversion from the IP', { recentFromIp: 5 }, {}, ['velocity_ip']],
    ['5th conversion from the IP', { recentFromIp: 4 }, {}, []],
    ['IP rule off', { recentFromIp: 500 }, { maxConversionsPerIpPerHour: null }, []],
    ['101st conversion on the link', { recentOnLink: 100 }, {}, ['velocity_link']],
    ['lower link threshold', { recentOnLink: 2 }, { maxConversionsPerLinkPerHour: 2 }, ['velocity_link']],
    ['bot click', { click: { clickedAt: secondsBefore(3600), status: 'bot' } }, {}, ['bot_click']],
    ['duplicate click is not a bot', { click: { clickedAt: secondsBefore(3600), status: 'duplicate' } }, {}, []],
  ])('%s', (_name, facts, settings, expected) => {
    expect(fraudReasonsFromFacts({ ...clean, ...facts }, { ...DEFAULTS, ...settings })).toEqual(expected);
  });

  it('reports every reason at once, in FRAUD_REASONS order', () => {
    const all = fraudReasonsFromFacts(
      {
        ...clean,
        click: { clickedAt: secondsBefore(1), status: 'bot' },
        customerIsPartner: true,
        boundToOtherPartner: true,
        recentFromIp: 50,
        recentOnLink: 500,
      },
      DEFAULTS,
    );
    expect(all).toEqual(FRAUD_REASONS.filter((r) => r !== 'no_click'));
    expect(fraudReasonsFromFacts({ ...clean, method: 'promo_code', click: null, customerIsPartner: true, recentFromIp: 9 }, { ...DEFAULTS, flagNoClick: true })).toEqual([
      'self_referral',
      'no_click',
      'velocity_ip',
    ]);
  });
});

describe('velocityIpHash', () => {
  const click = { id: 'clk_1', clickedAt: T, linkId: 'lnk_1', programId: 'prg_1', ownerMemberId: 'mem_1', country: 'DE', ipHash: 'click-hash', status: 'counted' as const };
  it.each([
    [{ ipHash: 'conversion-hash' }, { click }, 'conversion-hash'],
    [{ ipHash: null }, { click }, 'click-hash'],
    [{ ipHash: null }, { click: null }, null],
  ])('%o / %o -> %s', (conversion, attribution, expected) => {
    expect(velocityIpHash(conversion, attribution)).toBe(expected);
  });
});

describe('fraud settings', () => {
  it('fills in defaults', () => {
    expect(fraudSettingsOf({ settings: {} })).toEqual(DEFAULTS);
  });

  it('keeps valid keys and falls back per key on a bad stored value', () => {
    expect(fraudSettingsOf({ settings: { fraud: { flagNoClick: true, maxConversionsPerIpPerHour: 'lots', maxConversionsPerLinkPerHour: null } } })).toEqual({
      ...DEFAULTS,
      flagNoClick: true,
      maxConversionsPerLinkPerHour: null,
    });
  });

  it.each([
    [{ minClickToConversionSeconds: -1 }, 'minClickToConversionSeconds'],
    [{ minClickToConversionSeconds: 1.5 }, 'minClickToConversionSeconds'],
    [{ minClickToConversionSeconds: 86_401 }, 'minClickToConversionSeconds'],
    [{ flagNoClick: 'yes' }, 'flagNoClick'],
    [{ maxConversionsPerIpPerHour: 0 }, 'maxConversionsPerIpPerHour'],
    [{ maxConversionsPerLinkPerHour: 2.5 }, 'maxConversionsPerLinkPerHour'],
    [{ maxVelocity: 3 }, ''],
  ])('refuses %o', (raw, field) => {
    const result = fraudSettingsSchema.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });
});
