import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '../../../src/transparency/canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('§3.2.2 example: numbers, string escaping, literals, key order', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3 example: keys sorted by UTF-16 code units', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1.5, '-1.5'],
    [0.1, '0.1'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [5e-324, '5e-324'],
    [-5e-324, '-5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'],
    [9007199254740994, '9007199254740994'],
    [295147905179352830000, '295147905179352830000'],
    [999999999999999900000, '999999999999999900000'],
    [1e23, '1e+23'],
    [4.35, '4.35'],
    [0.002, '0.002'],
    [1.0000000000000002, '1.0000000000000002'],
  ])('number %s -> %s (Appendix B)', (n, text) => {
    expect(canonicalJson(n)).toBe(text);
  });

  it('nests, sorts recursively and adds no whitespace', () => {
    expect(canonicalJson({ b: [{ z: 1, a: 'x' }, []], a: {}, c: null })).toBe('{"a":{},"b":[{"a":"x","z":1},[]],"c":null}');
    expect(canonicalJson('line\nbreak\u0001\u2028')).toBe('"line\\nbreak\\u0001\u2028"');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { k: true }))).toBe('{"k":true}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', { a: Number.POSITIVE_INFINITY }],
    ['undefined', undefined],
    ['undefined member', { a: undefined }],
    ['undefined item', [undefined]],
    ['function', { f: () => 1 }],
    ['bigint', { n: 1n }],
    ['symbol', Symbol('s')],
    ['Date', { at: new Date(0) }],
    ['Map', new Map()],
    ['class instance', new (class Money { amount = 1 })()],
    ['array hole', [1, , 3]],
    ['lone surrogate', { s: '\ud800' }],
    ['lone surrogate key', { '\udc00': 1 }],
    ['symbol key', { [Symbol('k')]: 1 }],
  ])('throws on %s', (_what, value) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
  });

  it('throws on cycles but allows shared references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });
});
