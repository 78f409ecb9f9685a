import { randomFillSync } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Random bytes are drawn from a pooled buffer: one randomFillSync per 4 KiB instead of a call
// per id, which was a third of the redirect's own time when every click gets an id.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function nextRandomByte(): number {
  if (poolOffset === POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

/** `n` unbiased random base62 characters (rejection sampling keeps every character equally likely). */
export function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) {
    const byte = nextRandomByte();
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

/**
 * Prefixed, time-ordered, unguessable ids such as `mem_0lz3k8q1a7Xy2Pq9RsT0uV`. The time part (ms,
 * base36, fixed width) makes ids sort by creation, which cursor pagination relies on; the 14 random
 * base62 characters (~83 bits) make them impossible to guess.
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBase62(14)}`;
}
