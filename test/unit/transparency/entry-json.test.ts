import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/transparency/canonical-json.js';
import { prepareLogEntry } from '../../../src/transparency/entries/append.js';
import { commissionEntry, type CommissionFacts } from '../../../src/transparency/entries/commission.js';
import { conversionAcceptedEntry, conversionDecidedEntry } from '../../../src/transparency/entries/conversion.js';
import { entryJson } from '../../../src/transparency/entries/entry-json.js';
import { leafHash } from '../../../src/transparency/merkle.js';

// A seeded generator: a failure names its seed and replays.
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof rng>;

const CHARS = ['a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '€', '\u2028', '😀', '\ud800', '\udc00', 'ﬀ'];
const NUMBERS = [0, -0, 1, -1, 42, 12_345, 2 ** 53, -(2 ** 53), 1e21, 1e-7, 0.1, 1.5, 333.3333, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity];

function randomString(r: Rng, chars: readonly string[] = CHARS): string {
  let s = '';
  for (let n = r.int(8); n > 0; n--) s += r.pick(chars);
  return s;
}
/** What real entries carry: any text, but well-formed (a lone surrogate is refused, tested above). */
const text = (r: Rng) => randomString(r, CHARS.filter((c) => (c as string & { isWellFormed(): boolean }).isWellFormed()));

function randomValue(r: Rng, depth: number): unknown {
  switch (r.int(depth > 1 ? 7 : 11)) {
    case 0:
    case 1:
      return randomString(r);
    case 2:
      return r.pick(NUMBERS);
    case 3:
      return r.next() < 0.5;
    case 4:
      return null;
    case 5:
      return r.int(20) === 0 ? undefined : r.int(1_000_000);
    case 6:
      return r.int(20) === 0 ? new Date(0) : `${r.int(10)}`;
    case 7:
    case 8: {
      const items = Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
      return r.int(15) === 0 ? [1, , 2] : items;
    }
    default:
      return randomBody(r, depth + 1);
  }
}

function randomBody(r: Rng, depth = 0): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (let n = r.int(10); n > 0; n--) body[r.int(4) === 0 ? randomString(r) : r.pick(['amount', 'at', 'kind', 'type', 'v', 'ZZ', 'a', 'é', '€x', '😀', 'programId'])] = randomValue(r, depth);
  return body;
}

const outcome = (f: () => string) => {
  try {
    return { text: f() };
  } catch (err) {
    return { error: (err as Error).message };
  }
};

describe('entryJson', () => {
  it('writes exactly what canonicalJson writes, and refuses what it refuses, over random entries', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const r = rng(seed);
      const body = randomBody(r);
      const type = r.next() < 0.9 ? r.pick(['conversion.accepted', 'commission.created']) : randomString(r);
      const v = r.next() < 0.9 ? 1 : r.pick(NUMBERS);
      // Twice: the second call answers from the cached key order.
      for (let i = 0; i < 2; i++) {
        expect(outcome(() => entryJson(type, v, body)), `seed ${seed}`).toEqual(outcome(() => canonicalJson({ ...body, type, v })));
      }
    }
  });

  it('writes the conversion and commission entries the hot paths write exactly as canonicalJson does', () => {
    const r = rng(7);
    const date = () => new Date(Date.UTC(2020 + r.int(10), r.int(12), 1 + r.int(28), r.int(24), r.int(60), r.int(60), r.int(1000)));
    const nullable = <T>(x: T) => (r.int(3) === 0 ? null : x);
    for (let i = 0; i < 2_000; i++) {
      const sale = r.next() < 0.7;
      const conversion = {
        id: `cnv_${text(r)}`,
        programId: `prg_${r.int(100)}`,
        externalId: text(r),
        kind: sale ? ('sale' as const) : ('signup' as const),
        amount: sale ? r.int(10_000_000) : null,
        currency: sale ? r.pick(['EUR', 'USD']) : null,
        occurredAt: date(),
        createdAt: date(),
        customerRef: nullable(text(r)),
        emailHmac: nullable('f'.repeat(64)),
      };
      const commission: CommissionFacts = {
        id: `com_${i}`,
        programId: conversion.programId,
        conversionId: conversion.id,
        partnerMemberId: `mem_${r.int(50)}`,
        kind: conversion.kind,
        status: r.pick(['pending', 'held'] as const),
        country: nullable(r.pick(['DE', 'US'])),
        amount: r.int(100_000),
        reversedAmount: 0,
        currency: 'EUR',
        payoutAmount: r.int(100_000),
        payoutReversedAmount: 0,
        payoutCurrency: 'USD',
        fxRate: r.pick(['1.0000000000', '1.0850000000', '0.9200000000']),
        policyVersionId: nullable(`cpv_${r.int(9)}`),
        multiplierBps: r.int(20_000),
        holdReasons: Array.from({ length: r.int(3) }, () => text(r)),
      };
      const salt = Buffer.alloc(32, r.int(256));
      const entries = [
        conversionAcceptedEntry(conversion, r.next() < 0.5, nullable('ten_1'), salt),
        conversionDecidedEntry(
          conversion,
          { method: r.pick(['click_id', 'none'] as const), partnerMemberId: nullable('mem_1'), marketCountry: nullable('DE') },
          Array.from({ length: r.int(3) }, () => text(r)),
          date(),
          'ten_1',
          salt,
        ),
        commissionEntry('created', commission, date(), 'conversion_processed', 'ten_1'),
      ];
      for (const input of entries) {
        const prepared = prepareLogEntry(input);
        expect(prepared.entry).toBe(canonicalJson({ ...input.body, type: input.type, v: input.v }));
        expect(prepared.leafHash).toEqual(leafHash(new TextEncoder().encode(prepared.entry)));
      }
    }
  });
});
