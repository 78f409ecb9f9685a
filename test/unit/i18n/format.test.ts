import { describe, expect, it } from 'vitest';
import { decimalOf, formatDate, formatDateTime, formatDecimal, formatMoney, formatNumber, formatPercent } from '../../../src/i18n/format.js';

/** Intl separates some parts with no-break spaces; the table writes plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  const cases: [number | bigint, string, string, string][] = [
    [123_456, 'EUR', 'de', '1.234,56 €'],
    [123_456, 'EUR', 'en', '€1,234.56'],
    [123_456, 'EUR', 'fr', '1 234,56 €'],
    [123_456, 'EUR', 'es', '1234,56 €'],
    [123_456, 'BRL', 'pt-BR', 'R$ 1.234,56'],
    [-50, 'EUR', 'de', '-0,50 €'],
    [5, 'USD', 'en', '$0.05'],
    // JPY has no minor digits: 1235 minor units are ¥1,235.
    [1_235, 'JPY', 'ja', '￥1,235'],
    [1_235, 'JPY', 'en', '¥1,235'],
    [1_235, 'JPY', 'de', '1.235 ¥'],
    [123_456, 'CNY', 'zh-CN', '¥1,234.56'],
    [1_234_567, 'BHD', 'en', 'BHD 1,234.567'],
    [123_456n, 'EUR', 'de', '1.234,56 €'],
    // Beyond 2^53 minor units a bigint stays exact.
    [12_345_678_901_234_567_891n, 'EUR', 'en', '€123,456,789,012,345,678.91'],
    [9_007_199_254_740_991, 'EUR', 'de', '90.071.992.547.409,91 €'],
  ];
  it.each(cases)('%s %s in %s -> %s', (minor, currency, locale, expected) => {
    expect(plain(formatMoney(minor, currency, locale))).toBe(expected);
  });

  it('refuses fractions and unknown currencies', () => {
    expect(() => formatMoney(1.5, 'EUR', 'en')).toThrow(RangeError);
    expect(() => formatMoney(100, 'eur', 'en')).toThrow(RangeError);
  });
});

describe('decimalOf', () => {
  it.each([
    [123_456, 'EUR', '1234.56'],
    [-5, 'EUR', '-0.05'],
    [-500, 'JPY', '-500'],
    [1n, 'BHD', '0.001'],
  ] as const)('%s %s -> %s', (minor, currency, expected) => {
    expect(decimalOf(minor, currency)).toBe(expected);
  });
});

describe('numbers, percentages and dates', () => {
  const at = new Date('2026-11-02T21:30:00Z');
  const cases: [string, () => string, string][] = [
    ['number de', () => formatNumber(1_234_567, 'de'), '1.234.567'],
    ['number fr', () => formatNumber(1_234_567, 'fr'), '1 234 567'],
    ['number bigint', () => formatNumber(12_345n, 'en'), '12,345'],
    ['percent en', () => formatPercent(0.125, 'en'), '12.5%'],
    ['percent de', () => formatPercent(0.125, 'de'), '12,5 %'],
    ['percent fr', () => formatPercent(0.5, 'fr'), '50 %'],
    ['decimal de', () => formatDecimal('0.9215', 'de'), '0,9215'],
    ['date en', () => formatDate(at, 'en'), 'Nov 2, 2026'],
    ['date de', () => formatDate(at, 'de'), '02.11.2026'],
    ['date ja', () => formatDate(at, 'ja'), '2026/11/02'],
    ['date zh-CN', () => formatDate(at, 'zh-CN'), '2026年11月2日'],
    ['date pt-BR', () => formatDate(at, 'pt-BR'), '2 de nov. de 2026'],
    ['date in Tokyo', () => formatDate(at, 'ja', 'Asia/Tokyo'), '2026/11/03'],
    ['date-time de', () => formatDateTime(at, 'de'), '02.11.2026, 21:30'],
    ['date-time ja', () => formatDateTime(at, 'ja'), '2026/11/02 21:30'],
  ];
  it.each(cases)('%s', (_name, format, expected) => {
    expect(plain(format())).toBe(expected);
  });
});
