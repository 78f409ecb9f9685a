import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashNodeInto } from '../../../src/transparency/node-hasher.js';

const reference = (left: Uint8Array, right: Uint8Array) => new Uint8Array(createHash('sha256').update(Buffer.from([0x01])).update(left).update(right).digest());

describe('hashNodeInto', () => {
  it('matches SHA-256(0x01 || left || right) from node:crypto, at any offsets', () => {
    for (let i = 0; i < 500; i++) {
      const left = randomBytes(32 + (i % 7));
      const right = randomBytes(32 + (i % 5));
      const l = i % 7;
      const r = i % 5;
      const out = new Uint8Array(40);
      hashNodeInto(left, l, right, r, out, i % 9);
      expect(out.subarray(i % 9, (i % 9) + 32)).toEqual(reference(left.subarray(l, l + 32), right.subarray(r, r + 32)));
    }
  });

  it('hashes edge bytes (all zeros, all 0xff) correctly', () => {
    for (const fill of [0x00, 0xff, 0x80, 0x7f]) {
      const h = new Uint8Array(32).fill(fill);
      const out = new Uint8Array(32);
      hashNodeInto(h, 0, h, 0, out, 0);
      expect(out).toEqual(reference(h, h));
    }
  });

  it('may write over its own inputs', () => {
    const buffer = new Uint8Array(randomBytes(64));
    const expected = reference(buffer.slice(0, 32), buffer.slice(32, 64));
    hashNodeInto(buffer, 0, buffer, 32, buffer, 0);
    expect(buffer.subarray(0, 32)).toEqual(expected);
    const again = new Uint8Array(randomBytes(64));
    const expected2 = reference(again.slice(0, 32), again.slice(32, 64));
    hashNodeInto(again, 0, again, 32, again, 32);
    expect(again.subarray(32, 64)).toEqual(expected2);
  });
});
