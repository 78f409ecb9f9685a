import { describe, expect, it } from 'vitest';
import { matchLocale } from '../../../src/i18n/locales.js';
import { cookieValue, matchAcceptLanguage, negotiateLocale } from '../../../src/i18n/negotiate.js';

describe('matchLocale', () => {
  const cases: [string | null | undefined, string | null][] = [
    ['en', 'en'],
    ['EN-gb', 'en'],
    ['de', 'de'],
    ['de-AT', 'de'],
    ['de_CH', 'de'],
    ['fr-CA', 'fr'],
    ['es-419', 'es'],
    ['ja-JP', 'ja'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['PT-br', 'pt-BR'],
    ['zh', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh-hans-cn', 'zh-CN'],
    // Traditional Chinese readers get Simplified: the closest we ship (docs/i18n.md).
    ['zh-TW', 'zh-CN'],
    ['zh-Hant', 'zh-CN'],
    ['*', null],
    ['', null],
    [null, null],
    [undefined, null],
    ['klingon', null],
    ['nl-NL', null],
    ['<script>', null],
  ];
  it.each(cases)('%s -> %s', (tag, expected) => {
    expect(matchLocale(tag)).toBe(expected);
  });
});

describe('matchAcceptLanguage', () => {
  const cases: [string | undefined, string | null][] = [
    ['de-AT,de;q=0.9,en;q=0.8', 'de'],
    ['nl-NL, fr;q=0.7, en;q=0.5', 'fr'],
    ['en;q=0.1, ja;q=0.9', 'ja'],
    ['en;q=0.5, de;q=0.5', 'en'],
    ['fr;q=0, es', 'es'],
    ['*', null],
    ['*;q=1, pt;q=0.2', 'pt-BR'],
    ['nl, sv', null],
    ['zh-Hant-TW;q=0.8', 'zh-CN'],
    ['de;q=abc, fr', 'fr'],
    ['de;q=2, ja', 'ja'],
    ['', null],
    [undefined, null],
    [' ; , ,', null],
  ];
  it.each(cases)('%s -> %s', (header, expected) => {
    expect(matchAcceptLanguage(header)).toBe(expected);
  });
});

describe('negotiateLocale', () => {
  it('prefers the query, then the cookie, then Accept-Language', () => {
    const all = { query: 'ja', cookie: 'a=1; trellis_lang=fr', acceptLanguage: 'de' };
    expect(negotiateLocale(all)).toEqual({ locale: 'ja', explicit: true });
    expect(negotiateLocale({ ...all, query: undefined })).toEqual({ locale: 'fr', explicit: true });
    expect(negotiateLocale({ ...all, query: undefined, cookie: undefined })).toEqual({ locale: 'de', explicit: true });
  });

  it('skips a source that names nothing we ship', () => {
    expect(negotiateLocale({ query: 'xx', cookie: 'trellis_lang=nl', acceptLanguage: 'pt-PT' })).toEqual({ locale: 'pt-BR', explicit: true });
  });

  it('falls back to the market default, then English, and says so', () => {
    expect(negotiateLocale({ acceptLanguage: '*' }, 'de')).toEqual({ locale: 'de', explicit: false });
    expect(negotiateLocale({}, 'zh')).toEqual({ locale: 'zh-CN', explicit: false });
    expect(negotiateLocale({}, 'nl')).toEqual({ locale: 'en', explicit: false });
    expect(negotiateLocale({})).toEqual({ locale: 'en', explicit: false });
  });
});

describe('cookieValue', () => {
  it('reads one cookie, decoded, whatever the spacing', () => {
    expect(cookieValue('a=1;trellis_lang=pt-BR; b=2', 'trellis_lang')).toBe('pt-BR');
    expect(cookieValue('trellis_lang="zh-CN"', 'trellis_lang')).toBe('zh-CN');
    expect(cookieValue('trellis_lang=%E0%A4', 'trellis_lang')).toBe('%E0%A4');
    expect(cookieValue('x_trellis_lang=de', 'trellis_lang')).toBeNull();
    expect(cookieValue(undefined, 'trellis_lang')).toBeNull();
  });
});
