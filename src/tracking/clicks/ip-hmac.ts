import { createHash, createHmac } from 'node:crypto';
import { compressSha256 as compress, SHA256_BLOCK, SHA256_INITIAL_STATE } from '../../sha256-compress.js';

/**
 * HMAC-SHA256 of a short ASCII string (a client IP), truncated to 128 bits, as base64url: the same
 * value as `createHmac('sha256', key).update(ip).digest().subarray(0, 16).toString('base64url')`.
 *
 * Why not just that: it runs on every redirect, and node:crypto's per-call cost (a native object
 * per HMAC, two hops into C++) was a tenth of the redirect's CPU. HMAC's inner and outer keyed
 * states are the same for every IP of a day, so they are computed once per key (FIPS 180-4 SHA-256,
 * RFC 2104 HMAC), and an IP then costs exactly two SHA-256 compressions in plain JavaScript with no
 * allocation but the result. Strings that do not fit one block, or are not ASCII, take node:crypto.
 */
export type IpHmac = (ip: string) => string;

const BLOCK = SHA256_BLOCK;
/** The longest message that fits one block with SHA-256's 0x80 marker and 8-byte length. */
const MAX_ONE_BLOCK = BLOCK - 9;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The SHA-256 state after absorbing the one block `key XOR pad` (key already at most a block). */
function keyedState(key: Uint8Array, pad: number, w: Int32Array): Int32Array {
  const state = Int32Array.from(SHA256_INITIAL_STATE);
  for (let i = 0; i < 16; i++) {
    let word = 0;
    for (let j = 0; j < 4; j++) word = (word << 8) | ((key[i * 4 + j] ?? 0) ^ pad);
    w[i] = word;
  }
  compress(state, w);
  return state;
}

export function createIpHmac(secret: Buffer): IpHmac {
  // RFC 2104: a key longer than the block is replaced by its hash (daily secrets are 32 bytes).
  const key = new Uint8Array(secret.length > BLOCK ? createHash('sha256').update(secret).digest() : secret);
  const w = new Int32Array(64);
  const inner = keyedState(key, 0x36, w);
  const outer = keyedState(key, 0x5c, w);
  const state = new Int32Array(8);
  const out = new Uint8Array(16);

  return (ip) => {
    const length = ip.length;
    if (length > MAX_ONE_BLOCK) return slowIpHmac(secret, ip);
    // Inner: H((K ^ ipad) || ip), the ip padded into one block.
    w.fill(0, 0, 16);
    for (let i = 0; i < length; i++) {
      const code = ip.charCodeAt(i);
      if (code > 0x7f) return slowIpHmac(secret, ip);
      w[i >> 2]! |= code << (24 - (i & 3) * 8);
    }
    w[length >> 2]! |= 0x80 << (24 - (length & 3) * 8);
    w[15] = (BLOCK + length) * 8;
    state.set(inner);
    compress(state, w);
    // Outer: H((K ^ opad) || inner digest), 32 bytes padded into one block.
    for (let i = 0; i < 8; i++) w[i] = state[i]!;
    w[8] = 0x80000000;
    w.fill(0, 9, 15);
    w[15] = (BLOCK + 32) * 8;
    state.set(outer);
    compress(state, w);
    for (let i = 0; i < 4; i++) {
      const word = state[i]!;
      out[i * 4] = word >>> 24;
      out[i * 4 + 1] = (word >>> 16) & 0xff;
      out[i * 4 + 2] = (word >>> 8) & 0xff;
      out[i * 4 + 3] = word & 0xff;
    }
    return base64url16(out);
  };
}

function slowIpHmac(secret: Buffer, ip: string): string {
  return createHmac('sha256', secret).update(ip).digest().subarray(0, 16).toString('base64url');
}

/** 16 bytes as unpadded base64url (22 characters). */
function base64url16(bytes: Uint8Array): string {
  let text = '';
  let i = 0;
  for (; i + 2 < 16; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    text += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]! + B64URL[n & 63]!;
  }
  // One byte left (16 = 5 * 3 + 1): two characters, no padding.
  const last = bytes[15]!;
  return text + B64URL[last >>> 2]! + B64URL[(last & 3) << 4]!;
}
