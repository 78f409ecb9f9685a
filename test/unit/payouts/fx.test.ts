import { describe, expect, it } from 'vitest';
import { convertMinor, normaliseRate } from '../../../src/payouts/fx.js';
import { currencyDigits, divRound } from '../../../src/payouts/money.js';

describe('convertMinor', () => {
  it.each([
    // amount, from, to, rate, expected
    [10_000, 'EUR', 'JPY', '160.5', 16_050], // 100.00 EUR = 16050 yen (2 -> 0 digits)
    [1, 'EUR', 'JPY', '160.5', 2], // 0.01 EUR = 1.605 yen
    [1_000, 'JPY', 'EUR', '0.0062305296', 623], // 1000 yen = 6.2305296 EUR (0 -> 2 digits)
    [1, 'JPY', 'EUR', '0.005', 1], // 1 yen = 0.5 cent, rounded away from zero
    [1, 'JPY', 'EUR', '0.0049', 0],
    [80, 'JPY', 'EUR', '0.00625', 50],
    [1_000, 'EUR', 'BHD', '0.41', 4_100], // 10.00 EUR = 4.100 BHD (2 -> 3 digits)
    [1_234, 'BHD', 'JPY', '390.123', 481], // 1.234 BHD = 481.41 yen (3 -> 0 digits)
    [10_000, 'EUR', 'USD', '1.085', 10_850],
    [12_345, 'EUR', 'USD', '1.0850000000', 13_394], // 13394.325
    [5, 'EUR', 'USD', '0.1', 1], // 0.5 cent
    [-1_000, 'EUR', 'USD', '1.085', -1_085], // clawbacks are negative
    [-5, 'EUR', 'USD', '0.1', -1], // half away from zero on the negative side too
    [4_999, 'EUR', 'EUR', '1', 4_999],
    [0, 'EUR', 'JPY', '160.5', 0],
    [100, 'CLF', 'EUR', '35.5', 36], // 0.0100 CLF (4 digits) = 0.355 EUR
    [9_007_199_254_740, 'JPY', 'EUR', '0.0062305296', 5_611_962_156_976], // a product beyond 2^53, exact
  ])('%i %s -> %s at %s = %i', (amount, from, to, rate, expected) => {
    expect(convertMinor(amount, from, to, rate)).toBe(expected);
  });

  it.each([['abc'], ['0'], ['0.000'], ['-1.5'], ['1e-3'], [''], ['1.']])('refuses the rate %j', (rate) => {
    expect(() => convertMinor(100, 'EUR', 'USD', rate)).toThrow(RangeError);
  });

  it('refuses fractional amounts, bad codes and results beyond exact minor units', () => {
    expect(() => convertMinor(1.5, 'EUR', 'USD', '1')).toThrow(RangeError);
    expect(() => convertMinor(100, 'eur', 'USD', '1')).toThrow(RangeError);
    expect(() => convertMinor(Number.MAX_SAFE_INTEGER, 'EUR', 'JPY', '160.5')).toThrow(RangeError);
  });
});

describe('normaliseRate', () => {
  it.each([
    ['1.0850000000', '1.085'],
    ['160.5000000000', '160.5'],
    ['1.0000000000', '1'],
    ['0.9200', '0.92'],
    ['007.50', '7.5'],
    ['0.0000000001', '0.0000000001'],
    ['10', '10'],
    ['0.5', '0.5'],
  ])('%s is %s', (rate, expected) => {
    expect(normaliseRate(rate)).toBe(expected);
  });
});

describe('money helpers', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 3n, 1n],
    [5n, 3n, 2n],
    [-4n, 3n, -1n],
    [-5n, 3n, -2n],
    [1n, 2n, 1n],
    [-1n, 2n, -1n],
    [1n, 3n, 0n],
    [0n, 7n, 0n],
  ])('divRound(%s, %s) = %s', (n, d, expected) => {
    expect(divRound(n, d)).toBe(expected);
  });

  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['BHD', 3],
    ['KWD', 3],
    ['CLF', 4],
  ])('%s has %i minor digits', (currency, digits) => {
    expect(currencyDigits(currency)).toBe(digits);
  });
});
