import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIpHmac } from '../../../src/tracking/clicks/ip-hmac.js';

const reference = (key: Buffer, ip: string) => createHmac('sha256', key).update(ip).digest().subarray(0, 16).toString('base64url');

describe('createIpHmac', () => {
  it('equals node:crypto HMAC-SHA256 (first 16 bytes, base64url) for IPv4 and IPv6 addresses', () => {
    for (let round = 0; round < 50; round++) {
      const key = randomBytes(32);
      const hmac = createIpHmac(key);
      const ips = [
        `${round}.${(round * 7) & 255}.${(round * 13) & 255}.${(round * 31) & 255}`,
        '255.255.255.255',
        '::1',
        `2001:db8:${round.toString(16)}::${(round * 977).toString(16)}`,
        'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
      ];
      for (const ip of ips) expect(hmac(ip)).toBe(reference(key, ip));
    }
  });

  it('handles every message length up to and past one block, and non-ASCII text', () => {
    const key = randomBytes(32);
    const hmac = createIpHmac(key);
    for (let length = 0; length <= 80; length++) {
      const ip = 'a1:.'.repeat(20).slice(0, length);
      expect(hmac(ip), `length ${length}`).toBe(reference(key, ip));
    }
    expect(hmac('fe80::1%eth0é')).toBe(reference(key, 'fe80::1%eth0é'));
  });

  it('accepts keys of any length, as HMAC does', () => {
    for (const size of [0, 1, 31, 64, 65, 100]) {
      const key = randomBytes(size);
      expect(createIpHmac(key)('192.0.2.1'), `key of ${size} bytes`).toBe(reference(key, '192.0.2.1'));
    }
  });

  it('gives different values under different keys', () => {
    expect(createIpHmac(randomBytes(32))('192.0.2.1')).not.toBe(createIpHmac(randomBytes(32))('192.0.2.1'));
  });
});
