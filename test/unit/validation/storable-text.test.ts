import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { escapeUnstorable, isStorableText, jsonNestsDeeperThan, unstorableInputIssues } from '../../../src/core/validation.js';
import { fieldIssueText } from '../../../web/src/api/client.js';

/** The one check all input passes: no NUL (PostgreSQL cannot store it), no lone UTF-16 surrogate, no nesting past 32 levels. */
describe('storable text', () => {
  it.each([
    ['', true],
    ['plain', true],
    ['Ada 👩🏽‍💻 مرحبا \u202e', true],
    ['\ud83d\ude00', true],
    ['\u0000', false],
    ['a\u0000b', false],
    ['\ud800', false],
    ['end\ud83d', false],
    ['\ude00start', false],
    ['\ude00\ud83d', false],
    ['ok \ud83d\ude00 then \udc00', false],
  ])('%j is storable: %s', (text, storable) => {
    expect(isStorableText(text)).toBe(storable);
  });

  it('names each bad string and key by its path, keys escaped so the name can be stored', () => {
    const input = { name: 'a\u0000', ok: ['x', 'y\ud800'], nested: { 'k\udc00': 1, deeper: [{ v: '\u0000' }] }, fine: 'é', when: new Date() };
    expect(unstorableInputIssues(input, 'query').map((i) => [i.field, i.code])).toEqual([
      ['query.name', 'invalid_characters'],
      ['query.ok.1', 'invalid_characters'],
      ['query.nested.k\\udc00', 'invalid_characters'],
      ['query.nested.deeper.0.v', 'invalid_characters'],
    ]);
    expect(unstorableInputIssues('\u0000')).toEqual([expect.objectContaining({ field: 'body' })]);
    expect(escapeUnstorable('a\u0000b\ud83d\ude00\ud800')).toBe('a\\u0000b\ud83d\ude00\\ud800');
  });

  it('bounds nesting at 32 levels, naming where it goes deeper, and stops at 20 issues', () => {
    const nested = (depth: number, leaf: unknown = 1) => {
      let value: unknown = leaf;
      for (let i = 1; i < depth; i++) value = { a: value };
      return value;
    };
    expect(unstorableInputIssues(nested(32, { b: 1 }))).toEqual([]);
    expect(unstorableInputIssues(nested(33, { b: 1 }), 'query')).toEqual([{ field: `query.${Array(32).fill('a').join('.')}`, reason: 'is nested deeper than 32 levels', code: 'too_deep', limit: 32 }]);
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableInputIssues(deep).map((i) => i.code)).toEqual(['too_deep']);
    expect(unstorableInputIssues(Array.from({ length: 1000 }, () => '\u0000'))).toHaveLength(20);
    expect(unstorableInputIssues(Array.from({ length: 200_000 }, () => []))).toEqual([]);
  });

  it.each([
    ['{}', 1, false],
    ['{"a":[{"b":[]}]}', 4, false],
    ['{"a":[{"b":[]}]}', 3, true],
    ['{"a":"[[[[[[[[[[[[[[[[["}', 1, false],
    ['{"a":"\\\"[[[[", "b":[[]]}', 2, true],
    ['[' .repeat(40) + ']'.repeat(40), 32, true],
  ])('reads the nesting of %s against %i without parsing: deeper is %s', (text, limit, deeper) => {
    expect(jsonNestsDeeperThan(text, limit)).toBe(deeper);
  });

  it('checks own `__proto__` keys like any other, and leaves clean input alone', () => {
    const input = JSON.parse('{"__proto__":{"x":"\\u0000"},"a":[1,true,null,{"b":"c"}]}');
    expect(unstorableInputIssues(input).map((i) => i.field)).toEqual(['__proto__.x']);
    expect(unstorableInputIssues({ a: [1, true, null, { b: 'c' }] })).toEqual([]);
  });

  it('is worded in the web app’s language', async () => {
    const de = JSON.parse(readFileSync(new URL('../../../src/i18n/locales/de/web-common.json', import.meta.url), 'utf8'));
    await i18next.init({ lng: 'de', resources: { de: { 'web-common': de } }, interpolation: { escapeValue: false } });
    expect(fieldIssueText({ field: 'name', reason: 'contains a NUL character or a lone UTF-16 surrogate', code: 'invalid_characters' })).toBe('Enthält unzulässige Zeichen.');
  });
});
