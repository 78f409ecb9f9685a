import { describe, expect, it } from 'vitest';
import { requestHash } from '../../../src/core/points/views.js';
import { trackFingerprint, trackFingerprintPayload } from '../../../src/tracking/conversions/fingerprint.js';
import type { ParsedTrackConversion } from '../../../src/tracking/conversions/input.js';

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const TEXT = ['a', 'order-1', 'é€😀', '"quoted"\\', 'line\nbreak', '\u0000', ''];

describe('trackFingerprint', () => {
  it('is requestHash of the fingerprint payload, for any report', () => {
    for (let seed = 1; seed <= 5_000; seed++) {
      const r = rng(seed);
      const maybe = <T>(x: T) => (r.next() < 0.5 ? x : undefined);
      const sale = r.next() < 0.7;
      const input = {
        externalId: r.pick(TEXT),
        kind: sale ? 'sale' : 'signup',
        occurredAt: maybe(new Date(Date.UTC(2024, 0, 1) + Math.floor(r.next() * 1e10)).toISOString()),
        amount: sale ? r.pick([0, 1, 4_999, 2 ** 40]) : undefined,
        currency: sale ? r.pick(['EUR', 'USD']) : undefined,
        completed: sale ? maybe(r.next() < 0.5) : undefined,
        clickId: maybe(r.pick(TEXT)),
        cookie: maybe(r.pick(TEXT)),
        promoCode: maybe(r.pick(TEXT)),
        customer: maybe({ externalId: maybe(r.pick(TEXT)), email: maybe('ada@example.com'), emailHash: maybe('b'.repeat(64)) }),
        country: maybe(r.pick(['DE', 'US'])),
        ip: maybe('192.0.2.1'),
        metadata: r.pick([undefined, {}, { b: 1, a: [{ z: null, y: 'é' }] }, { plan: 'pro' }]),
      } as ParsedTrackConversion;
      const emailHash = r.pick([null, 'c'.repeat(64)]);
      expect(trackFingerprint(input, emailHash), `seed ${seed}`).toBe(requestHash(trackFingerprintPayload(input, emailHash)));
    }
  });
});
