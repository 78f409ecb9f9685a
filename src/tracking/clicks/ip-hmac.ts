import { createHash, createHmac } from 'node:crypto';

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

// Int32 throughout: V8 keeps the words as small integers instead of boxing values past 2^31.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const BLOCK = 64;
/** The longest message that fits one block with SHA-256's 0x80 marker and 8-byte length. */
const MAX_ONE_BLOCK = BLOCK - 9;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** One SHA-256 compression of the 16 words `w[0..15]` into `state` (in place); `w` is scratch of 64. */
function compress(state: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t]! + w[t]!) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/** The SHA-256 state after absorbing the one block `key XOR pad` (key already at most a block). */
function keyedState(key: Uint8Array, pad: number, w: Int32Array): Int32Array {
  const state = Int32Array.from(H0);
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
