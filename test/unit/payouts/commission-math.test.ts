import { describe, expect, it } from 'vitest';
import { commissionFor, effectiveMode, refundReversal, type ConversionForCommission, type MinorConverter, type PolicyTerms } from '../../../src/payouts/commission-math.js';
import { convertMinor } from '../../../src/payouts/fx.js';

const T0 = new Date('2024-05-10T12:00:00.000Z');
const SWITCH = new Date('2024-06-01T00:00:00.000Z');

const perTransaction = (terms: Partial<PolicyTerms> = {}): PolicyTerms => ({
  mode: 'per_transaction',
  currency: 'EUR',
  signupAmount: null,
  percentBps: 1000,
  flatAmount: 0,
  minAmount: null,
  maxAmount: null,
  holdDays: 30,
  attributionWindowDays: 30,
  switchToPerTransactionAt: null,
  ...terms,
});

const perSignup = (terms: Partial<PolicyTerms> = {}): PolicyTerms => ({ ...perTransaction({ percentBps: null }), mode: 'per_signup', signupAmount: 500, ...terms });

const sale = (amount: number, currency = 'EUR', occurredAt = T0): ConversionForCommission => ({ kind: 'sale', amount, currency, occurredAt });
const signup = (occurredAt = T0): ConversionForCommission => ({ kind: 'signup', amount: null, currency: null, occurredAt });

/** Fails the test if the maths converts when it has no reason to. */
const noFx: MinorConverter = (amount, from, to) => {
  throw new Error(`unexpected conversion of ${amount} ${from} to ${to}`);
};

/** Converts at fixed rates, the way FxBook.converterAt does with rates from the table. */
const RATES: Record<string, string> = { 'EUR>JPY': '160.5', 'EUR>USD': '1.085', 'EUR>BHD': '0.41' };
const fx: MinorConverter = (amount, from, to) => convertMinor(amount, from, to, RATES[`${from}>${to}`]!);

describe('commissionFor: per_transaction', () => {
  it.each([
    // what, terms, sale amount, multiplier bps, expected commission
    ['10% of 49.99', {}, 4999, 10_000, 500],
    ['10% of 49.95 (a half rounds away from zero)', {}, 4995, 10_000, 500],
    ['10% of 49.94', {}, 4994, 10_000, 499],
    ['12.5% of 0.04 = 0.5 cent', { percentBps: 1250 }, 4, 10_000, 1],
    ['12.5% of 0.03 = 0.375 cent', { percentBps: 1250 }, 3, 10_000, 0],
    ['33.33% of 0.02', { percentBps: 3333 }, 2, 10_000, 1],
    ['10% + a flat 1.50', { flatAmount: 150 }, 10_000, 10_000, 1150],
    ['0% + a flat 2.00', { percentBps: 0, flatAmount: 200 }, 10_000, 10_000, 200],
    ['raised to the min', { minAmount: 300 }, 1000, 10_000, 300],
    ['the flat part counts before the min', { flatAmount: 50, minAmount: 300 }, 1000, 10_000, 300],
    ['cut to the max', { maxAmount: 5000 }, 100_000, 10_000, 5000],
    ['within both caps', { minAmount: 300, maxAmount: 5000 }, 20_000, 10_000, 2000],
    ['min = max pays exactly that', { minAmount: 700, maxAmount: 700 }, 1_000_000, 10_000, 700],
    ['1.5x tier: rounded once (499.5 x 1.5 = 749.25)', {}, 4995, 15_000, 749],
    ['1.5x tier on top of the max', { maxAmount: 5000 }, 100_000, 15_000, 7500],
    ['1.2x tier on top of the min', { minAmount: 300 }, 1000, 12_000, 360],
    ['1.2345x tier', {}, 1000, 12_345, 123],
    ['1.005x tier on 1.00 = 100.5 cents', {}, 1000, 10_050, 101],
    ['a 0x tier pays nothing', { flatAmount: 100 }, 10_000, 0, 0],
    ['1000% of 900 billion (products beyond 2^53)', { percentBps: 100_000 }, 90_071_992_547_409, 10_000, 900_719_925_474_090],
  ])('%s', (_what, terms, amount, multiplierBps, expected) => {
    expect(commissionFor(perTransaction(terms), sale(amount), multiplierBps, noFx)).toEqual({ amount: expected, currency: 'EUR', mode: 'per_transaction' });
  });

  it('pays nothing for a signup', () => {
    expect(commissionFor(perTransaction(), signup(), 10_000, noFx)).toBeNull();
  });

  it('refuses results beyond exact minor units and bad multipliers', () => {
    expect(() => commissionFor(perTransaction({ percentBps: 100_000 }), sale(Number.MAX_SAFE_INTEGER), 10_000, noFx)).toThrow(RangeError);
    expect(() => commissionFor(perTransaction(), sale(1000), -1, noFx)).toThrow(RangeError);
    expect(() => commissionFor(perTransaction(), sale(1000), 1.5, noFx)).toThrow(RangeError);
    expect(() => commissionFor(perTransaction(), { kind: 'sale', amount: null, currency: null, occurredAt: T0 }, 10_000, noFx)).toThrow(RangeError);
  });
});

describe('commissionFor: per_signup', () => {
  it.each([
    // signup amount, multiplier bps, expected
    [500, 10_000, 500],
    [500, 15_000, 750],
    [333, 15_000, 500], // 499.5 rounds away from zero
    [333, 10_010, 333], // 333.333
    [0, 20_000, 0],
    [500, 0, 0],
  ])('%i per signup x %i bps = %i', (signupAmount, multiplierBps, expected) => {
    expect(commissionFor(perSignup({ signupAmount }), signup(), multiplierBps, noFx)).toEqual({ amount: expected, currency: 'EUR', mode: 'per_signup' });
  });

  it("pays in the policy's currency and nothing for a sale", () => {
    expect(commissionFor(perSignup({ currency: 'JPY', signupAmount: 800 }), signup(), 10_000, noFx)).toEqual({ amount: 800, currency: 'JPY', mode: 'per_signup' });
    expect(commissionFor(perSignup(), sale(10_000), 10_000, noFx)).toBeNull();
  });
});

describe('the switch from per_signup to per_transaction', () => {
  const maturing = perSignup({ percentBps: 800, flatAmount: 25, switchToPerTransactionAt: SWITCH });
  const justBefore = new Date(SWITCH.getTime() - 1);

  it.each([
    // what, conversion, expected
    ['a signup just before the switch pays per signup', signup(justBefore), { amount: 500, currency: 'EUR', mode: 'per_signup' }],
    ['a signup at the switch pays nothing', signup(SWITCH), null],
    ['a sale just before the switch pays nothing', sale(10_000, 'EUR', justBefore), null],
    ['a sale at the switch pays its percent terms', sale(10_000, 'EUR', SWITCH), { amount: 825, currency: 'EUR', mode: 'per_transaction' }],
    ['a sale long after the switch too', sale(10_000, 'EUR', new Date('2030-01-01T00:00:00Z')), { amount: 825, currency: 'EUR', mode: 'per_transaction' }],
  ])('%s', (_what, conversion, expected) => {
    expect(commissionFor(maturing, conversion, 10_000, noFx)).toEqual(expected);
  });

  it.each([
    [perSignup(), SWITCH, 'per_signup'],
    [maturing, justBefore, 'per_signup'],
    [maturing, SWITCH, 'per_transaction'],
    [perTransaction(), justBefore, 'per_transaction'],
    // A per_transaction version ignores a switch date (the schema refuses one, but the maths is total).
    [perTransaction({ switchToPerTransactionAt: SWITCH }), justBefore, 'per_transaction'],
  ] as const)('effectiveMode %#', (terms, at, expected) => {
    expect(effectiveMode(terms, at)).toBe(expected);
  });
});

describe('commissionFor across currencies', () => {
  it.each([
    // what, terms (EUR amounts), sale amount, sale currency, expected (minor units of the sale currency)
    ['JPY: 10% of 16050 yen + 1.00 EUR flat (160.5 -> 161 yen)', { flatAmount: 100 }, 16_050, 'JPY', 1605 + 161],
    ['JPY: the min of 20.00 EUR is 3210 yen', { minAmount: 2000 }, 1000, 'JPY', 3210],
    ['JPY: the max of 500.00 EUR is 80250 yen', { maxAmount: 50_000 }, 10_000_000, 'JPY', 80_250],
    ['BHD (3 digits): 10% of 10.000 + 1.00 EUR = 0.410 BHD', { flatAmount: 100 }, 10_000, 'BHD', 1410],
    ['USD: caps converted at 1.085', { minAmount: 1000, maxAmount: 2000 }, 1000, 'USD', 1085],
  ])('%s', (_what, terms, amount, currency, expected) => {
    expect(commissionFor(perTransaction(terms), sale(amount, currency), 10_000, fx)).toEqual({ amount: expected, currency, mode: 'per_transaction' });
  });

  it('converts nothing when no policy amount needs it', () => {
    // A pure percentage is currency-free: no rate is needed, so none can be missing.
    expect(commissionFor(perTransaction(), sale(16_050, 'JPY'), 10_000, noFx)).toEqual({ amount: 1605, currency: 'JPY', mode: 'per_transaction' });
    expect(commissionFor(perTransaction({ currency: 'USD', flatAmount: 100, minAmount: 50 }), sale(1000, 'USD'), 10_000, noFx)?.amount).toBe(200);
  });
});

describe('refundReversal', () => {
  it.each([
    // commission, sale, refunded before, refund now, expected
    [500, 10_000, 0, 10_000, 500],
    [500, 10_000, 0, 2_500, 125],
    [500, 10_000, 2_500, 7_500, 375],
    [100, 3, 0, 1, 33],
    [100, 3, 1, 1, 34],
    [100, 3, 2, 1, 33],
    [1, 2, 0, 1, 1], // 0.5 rounds away from zero
    [1, 2, 1, 1, 0],
    [0, 500, 0, 250, 0],
    [500, 10_000, 0, 0, 0],
    [-500, 10_000, 0, 2_500, -125], // a clawback's negative amount mirrors a commission
    [-1, 2, 0, 1, -1],
    [900_719_925_474_090, 90_071_992_547_409, 0, 30_023_997_515_803, 300_239_975_158_030],
  ])('commission %i on sale %i, %i refunded, refunding %i takes back %i', (commission, saleAmount, before, now, expected) => {
    expect(refundReversal(commission, saleAmount, before, now)).toBe(expected);
  });

  it.each([
    // commission, sale, refunds adding up to the sale
    [500, 10_000, [2_500, 2_500, 2_500, 2_500]],
    [100, 3, [1, 1, 1]],
    [7, 10, [1, 2, 3, 4]],
    [1, 3, [1, 1, 1]],
    [999, 1001, [333, 334, 333, 1]],
    [1766, 16_050, [1, 16_048, 1]],
    [12_345, 99_999, [11_111, 22_222, 33_333, 33_333]],
  ])('partial refunds of %i on %i add up to exactly the commission', (commission, saleAmount, refunds) => {
    let before = 0;
    let total = 0;
    for (const refund of refunds) {
      total += refundReversal(commission, saleAmount, before, refund);
      before += refund;
    }
    expect(before).toBe(saleAmount);
    expect(total).toBe(commission);
  });

  it('stays exact and never overshoots over many random refund sequences', () => {
    // A fixed-seed generator: the same cases on every run.
    let seed = 42;
    const next = (max: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return 1 + (seed % max);
    };
    for (let i = 0; i < 500; i++) {
      const saleAmount = next(100_000);
      const commission = next(20_000);
      let before = 0;
      let total = 0;
      while (before < saleAmount) {
        const refund = Math.min(saleAmount - before, next(Math.ceil(saleAmount / 3)));
        const taken = refundReversal(commission, saleAmount, before, refund);
        expect(taken).toBeGreaterThanOrEqual(0);
        total += taken;
        before += refund;
        expect(total).toBeLessThanOrEqual(commission);
      }
      expect(total).toBe(commission);
    }
  });

  it.each([
    [500, 0, 0, 0],
    [500, 10_000, 5_000, 5_001],
    [500, 10_000, -1, 1],
    [500, 10_000, 0, -1],
    [500.5, 10_000, 0, 1],
  ])('refuses commission %d, sale %d, before %d, now %d', (commission, saleAmount, before, now) => {
    expect(() => refundReversal(commission, saleAmount, before, now)).toThrow(RangeError);
  });
});
