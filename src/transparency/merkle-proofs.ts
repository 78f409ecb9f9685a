import { foldRightEdge, isHash, splitPoint, type Hash, type NodeReader, type NodeRef } from './merkle.js';

/**
 * RFC 9162 §2.1.3.1 and §2.1.4.1 proof generation over stored complete subtrees. Every proof
 * element is the MTH of a range of leaves; a range on the tree's right edge is not a complete
 * subtree, so it is asked for as the complete subtrees it is made of and folded here. All the
 * hashes of one proof come from ONE reader call, so a database or tile backend answers it in
 * one round trip.
 */

/** Leaves [start, end) whose MTH is one proof element. */
interface LeafRange {
  start: number;
  end: number;
}

function assertTreeSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

function largestPowerOfTwoAtMost(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * The complete subtrees whose fold is MTH(D[start:end]). Every range RFC 9162's recursion
 * produces starts at a multiple of the power of two at or above its length, so its binary
 * decomposition (largest first) is made of aligned, complete subtrees.
 */
export function completeSubtrees(range: LeafRange): NodeRef[] {
  const refs: NodeRef[] = [];
  let pos = range.start;
  while (pos < range.end) {
    const size = largestPowerOfTwoAtMost(range.end - pos);
    if (pos % size !== 0) throw new Error(`range [${range.start}, ${range.end}) is not on subtree boundaries`);
    refs.push({ level: Math.log2(size), index: pos / size });
    pos += size;
  }
  return refs;
}

async function hashRanges(ranges: readonly LeafRange[], read: NodeReader): Promise<Hash[]> {
  const perRange = ranges.map(completeSubtrees);
  const refs = perRange.flat();
  if (refs.length === 0) return [];
  const hashes = await read(refs);
  if (hashes.length !== refs.length || !hashes.every(isHash)) {
    throw new Error(`node reader returned ${hashes.length} hashes for ${refs.length} nodes, or a hash that is not 32 bytes`);
  }
  let next = 0;
  return perRange.map((parts) => {
    const slice = hashes.slice(next, next + parts.length);
    next += parts.length;
    return foldRightEdge(slice);
  });
}

/** The ranges of PATH(index, D[0:treeSize]), leaf side first. */
function inclusionRanges(index: number, treeSize: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let lo = 0;
  let n = treeSize;
  let m = index;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      ranges.push({ start: lo + k, end: lo + n });
      n = k;
    } else {
      ranges.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
      n -= k;
    }
  }
  return ranges.reverse();
}

/** The ranges of PROOF(size1, D[0:size2]) = SUBPROOF(size1, D[0:size2], true), leaf side first. */
function consistencyRanges(size1: number, size2: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let lo = 0;
  let n = size2;
  let m = size1;
  let startsAtOldRoot = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      ranges.push({ start: lo + k, end: lo + n });
      n = k;
    } else {
      ranges.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
      n -= k;
      startsAtOldRoot = false;
    }
  }
  // When the old tree is a subtree of the new one the verifier already knows its hash.
  if (!startsAtOldRoot) ranges.push({ start: lo, end: lo + n });
  return ranges.reverse();
}

/** RFC 9162 inclusion proof of leaf `index` in the tree of `treeSize`. Throws on index >= treeSize. */
export async function inclusionProof(index: number, treeSize: number, read: NodeReader): Promise<Hash[]> {
  assertTreeSize('index', index);
  assertTreeSize('treeSize', treeSize);
  if (index >= treeSize) throw new RangeError(`index ${index} is not in a tree of size ${treeSize}`);
  return hashRanges(inclusionRanges(index, treeSize), read);
}

/** RFC 9162 consistency proof from size1 to size2; empty when size1 is 0 or equals size2. */
export async function consistencyProof(size1: number, size2: number, read: NodeReader): Promise<Hash[]> {
  assertTreeSize('size1', size1);
  assertTreeSize('size2', size2);
  if (size1 > size2) throw new RangeError(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0 || size1 === size2) return [];
  return hashRanges(consistencyRanges(size1, size2), read);
}

/** The root of the tree of `treeSize` from its complete subtrees (one reader call). */
export async function treeRoot(treeSize: number, read: NodeReader): Promise<Hash> {
  assertTreeSize('treeSize', treeSize);
  if (treeSize === 0) return foldRightEdge([]);
  const [root] = await hashRanges([{ start: 0, end: treeSize }], read);
  return root!;
}
