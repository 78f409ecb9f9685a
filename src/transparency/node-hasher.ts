import { compressSha256, SHA256_INITIAL_STATE } from '../sha256-compress.js';

/**
 * RFC 9162 interior node hashes, SHA-256(0x01 || left || right), computed in plain JavaScript from
 * and into byte arrays at offsets. Rebuilding a subtree from a hash tile takes up to 255 of them;
 * through node:crypto each made its own Buffer (an ArrayBuffer the young-generation GC then sweeps
 * one by one), and those sweeps were the tail of cold inclusion proofs. Here a node costs two
 * compressions and allocates nothing.
 */

const w = new Int32Array(64);
const state = new Int32Array(8);
/** The message is 65 bytes: 520 bits, SHA-256's length field. */
const MESSAGE_BITS = 65 * 8;

/**
 * Writes SHA-256(0x01 || left[l..l+32) || right[r..r+32)) to out[at..at+32). `out` may be one of
 * the inputs, even at the same offset: every input byte is read before the first byte is written.
 */
export function hashNodeInto(left: Uint8Array, l: number, right: Uint8Array, r: number, out: Uint8Array, at: number): void {
  // Block 1: the prefix byte, the 32 left bytes and the first 31 right bytes, as big-endian words.
  w[0] = 0x01000000 | (left[l]! << 16) | (left[l + 1]! << 8) | left[l + 2]!;
  for (let j = 1; j < 8; j++) {
    const o = l + 4 * j - 1;
    w[j] = (left[o]! << 24) | (left[o + 1]! << 16) | (left[o + 2]! << 8) | left[o + 3]!;
  }
  w[8] = (left[l + 31]! << 24) | (right[r]! << 16) | (right[r + 1]! << 8) | right[r + 2]!;
  for (let j = 9; j < 16; j++) {
    const o = r + 4 * j - 33;
    w[j] = (right[o]! << 24) | (right[o + 1]! << 16) | (right[o + 2]! << 8) | right[o + 3]!;
  }
  state.set(SHA256_INITIAL_STATE);
  compressSha256(state, w);
  // Block 2: the last right byte, the 0x80 end marker, zeros, and the message length in bits.
  w[0] = (right[r + 31]! << 24) | 0x00800000;
  w.fill(0, 1, 15);
  w[15] = MESSAGE_BITS;
  compressSha256(state, w);
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    out[at + i * 4] = word >>> 24;
    out[at + i * 4 + 1] = (word >>> 16) & 0xff;
    out[at + i * 4 + 2] = (word >>> 8) & 0xff;
    out[at + i * 4 + 3] = word & 0xff;
  }
}
