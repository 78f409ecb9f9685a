import fc from 'fast-check';

/**
 * Values an attacker (or a broken client) sends: text no column can store, numbers at and past
 * every limit, wrong types, deep nesting, prototype keys, megabyte strings. JSON cannot spell some
 * of them through JSON.stringify (2^53+1, -0, 1e999, nesting deeper than the stack), so those are
 * RawJson tokens that jsonText writes verbatim.
 */

/** JSON text written as it is into the body (jsonText). */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text.length > 80 ? `${this.text.slice(0, 40)}…(${this.text.length} chars)` : this.text;
  }
}

/** The JSON text of a value that may hold RawJson tokens and own `__proto__` keys. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => jsonText(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .map((key) => `${JSON.stringify(key)}:${jsonText((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** An object with the given own keys, `__proto__` included (a literal would set the prototype). */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

// Just under the 1 MiB body limit once quoted and wrapped, so it reaches the validators and the database.
const MEGABYTE = 1_000_000;

/** Hand-picked text that has broken parsers, databases and renderers. */
const NASTY_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\udbff',
  'ok\ud83d',
  '\u202eevil.exe',
  'abc\u202dxyz\u2066',
  '\ufeff',
  '\u200b',
  '\r\n',
  '\t',
  '👍🏽',
  'İstanbul',
  'ﬃ',
  'ß',
  '１２３',
  'مرحبا',
  "' OR 1=1 --",
  '"; DROP TABLE members; --',
  '<script>alert(1)</script>',
  '{{constructor.constructor("return process")()}}',
  '${process.env}',
  '%00',
  '%ED%A0%80',
  '../../../etc/passwd',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  'null',
  'true',
  '[]',
  '{}',
  '0000-00-00',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '2024-02-30',
  'x'.repeat(201),
  'x'.repeat(5000),
];

export const nastyText = fc.constantFrom(...NASTY_TEXT);

/** One character PostgreSQL cannot store or that is not Unicode. */
const unstorableChar = fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff');

/** Any text with an unstorable character somewhere in it. */
export const unstorableText = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 20 }), unstorableChar, fc.string({ unit: 'binary', maxLength: 20 }))
  .map(([a, c, b]) => a + c + b);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: nastyText, weight: 6 },
  { arbitrary: unstorableText, weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.constantFrom('x'.repeat(MEGABYTE), '\u0000'.repeat(1000), '\u202e'.repeat(MEGABYTE / 10)), weight: 1 },
);

const rawNumbers = ['9007199254740993', '-9007199254740993', '-0', '1e999', '-1e999', '1e-320', '2147483648', '-2147483649', '9223372036854775808', '1E400', '0.0000001', '1.0'];

export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53, -(2 ** 53), 2 ** 31, -(2 ** 31) - 1, 2 ** 63, 1e21, 0, -1, 0.5, 1e-7, Number.MIN_VALUE),
  fc.constantFrom(...rawNumbers).map((text) => new RawJson(text)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

const DEPTH = 20_000;
/** Arrays and objects nested far deeper than any schema, as raw text: no recursion on our side. */
const deepNesting = fc.constantFrom(
  new RawJson('['.repeat(DEPTH) + ']'.repeat(DEPTH)),
  new RawJson('{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH)),
  new RawJson('[{"x":'.repeat(500) + 'null' + '}]'.repeat(500)),
);

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Objects that try to reach Object.prototype through a merge or a copy. */
const prototypeTraps = fc.constantFrom<unknown>(
  objectOf([['__proto__', { polluted: 'yes' }]]),
  objectOf([['constructor', { prototype: { polluted: 'yes' } }]]),
  objectOf([['__proto__', objectOf([['__proto__', { polluted: 'yes' }]])]]),
  objectOf([['prototype', { polluted: 'yes' }], ['toString', 'x'], ['hasOwnProperty', 1], ['valueOf', null]]),
);

/** A wrong-typed, boundary or hostile value of any JSON kind, small enough to shrink. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: hostileString, weight: 6 },
    { arbitrary: hostileNumber, weight: 4 },
    { arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], ['\u0000'], { '\u0000': 1 }, { '\ud800': '\udc00' }), weight: 3 },
    { arbitrary: deepNesting, weight: 1 },
    { arbitrary: prototypeTraps, weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), hostileString), tie('value'), { maxKeys: 4 }), weight: 1 },
  ),
})).value;

/**
 * A path segment as sent on the wire (already percent-encoded where it matters). Not `..`: the
 * client resolves it, so the request would go to another route, not to this one with a bad value.
 */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%ED%B0%80x',
    '%E0%A4%A',
    '%',
    '%%30',
    '%C0%AE%C0%AE',
    '%2F',
    '%5C',
    '%E2%80%AE',
    '%F0%9F%91%8D',
    '%FF%FE',
    'x'.repeat(3000),
    '-1',
    '0',
    '1e308',
    '9007199254740993',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '%20',
    '%0d%0a',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => encodeURIComponent(s)),
  unstorableText.map((s) => [...s].map((c) => (c === '\u0000' ? '%00' : encodeURIComponent(c.replace(/[\ud800-\udfff]/g, '\ufffd')))).join('')),
);

/** A query value as sent on the wire. */
export const hostileQueryValue: fc.Arbitrary<string> = fc.oneof(hostileSegment, hostileString.filter((s) => s.length < 5000).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'))));

/** Header values a client can send (no NUL, CR or LF: HTTP cannot carry them). */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.constantFrom('', ' ', 'x'.repeat(8000), 'ÿþ', 'é', '%00', '\t', '__proto__', 'null', '-1', 't=0,v1=00', 't=99999999999999999999,v1=zz', '\u00a0');
