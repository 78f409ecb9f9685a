import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  nodeHash,
  rootOf,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type NodeReader,
  type NodeRef,
} from '../../../src/transparency/merkle.js';

// A straightforward transcription of RFC 9162 §2.1 (MTH, PATH, PROOF/SUBPROOF) over leaf lists,
// to compare the production generators (which only read complete subtrees) against.
function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
function mth(d: readonly Hash[]): Hash {
  if (d.length === 0) return emptyRoot();
  if (d.length === 1) return d[0]!;
  const s = k(d.length);
  return nodeHash(mth(d.slice(0, s)), mth(d.slice(s)));
}
function path(m: number, d: readonly Hash[]): Hash[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: readonly Hash[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

const leaves = (n: number, salt = 0) => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${salt}:${i}`)));

/** Serves complete subtrees of a leaf list, counting calls and refusing anything else. */
function readerOf(d: readonly Hash[]) {
  const calls: NodeRef[][] = [];
  const read: NodeReader = async (refs) => {
    calls.push([...refs]);
    return refs.map(({ level, index }) => {
      const size = 2 ** level;
      if ((index + 1) * size > d.length) throw new Error(`asked for incomplete subtree ${level}/${index}`);
      return mth(d.slice(index * size, (index + 1) * size));
    });
  };
  return { read, calls };
}

/**
 * A reader of a huge virtual tree whose leaves are all one constant except a few distinct ones,
 * so any complete subtree's hash costs O(distinct leaves * height) to compute, yet is exact.
 */
function lazyReader(treeSize: number, distinct: readonly number[]) {
  const special = new Set(distinct);
  const constant: Hash[] = [leafHash(new TextEncoder().encode('constant'))];
  for (let l = 1; l <= 53; l++) constant.push(nodeHash(constant[l - 1]!, constant[l - 1]!));
  const cache = new Map<string, Hash>();
  const node = (level: number, index: number): Hash => {
    const start = index * 2 ** level;
    const end = start + 2 ** level;
    if (!distinct.some((i) => i >= start && i < end)) return constant[level]!;
    if (level === 0) return special.has(index) ? leafHash(new TextEncoder().encode(`v${index}`)) : constant[0]!;
    const key = `${level}/${index}`;
    let h = cache.get(key);
    if (!h) {
      h = nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
      cache.set(key, h);
    }
    return h;
  };
  const read: NodeReader = async (refs) =>
    refs.map(({ level, index }) => {
      if ((index + 1) * 2 ** level > treeSize) throw new Error('incomplete subtree');
      return node(level, index);
    });
  return read;
}

describe('proof generation, trees of size 1..70', () => {
  it('inclusion proofs for every index equal RFC 9162 PATH and verify', async () => {
    const all = leaves(70);
    for (let n = 1; n <= 70; n++) {
      const d = all.slice(0, n);
      const root = rootOf(d);
      expect(root).toEqual(mth(d));
      const { read, calls } = readerOf(d);
      expect(await treeRoot(n, read)).toEqual(root);
      for (let m = 0; m < n; m++) {
        calls.length = 0;
        const proof = await inclusionProof(m, n, read);
        expect(calls.length).toBeLessThanOrEqual(1);
        expect(proof).toEqual(path(m, d));
        expect(verifyInclusion(d[m]!, m, n, proof, root)).toBe(true);
        expect(verifyInclusion(d[(m + 1) % n]!, m, n, proof, root)).toBe(n === 1 ? true : false);
      }
    }
  });

  it('consistency proofs for every size pair equal RFC 9162 PROOF and verify', async () => {
    const all = leaves(70);
    const roots = Array.from({ length: 71 }, (_, n) => rootOf(all.slice(0, n)));
    for (let n = 1; n <= 70; n++) {
      const d = all.slice(0, n);
      const { read, calls } = readerOf(d);
      for (let m = 1; m <= n; m++) {
        calls.length = 0;
        const proof = await consistencyProof(m, n, read);
        expect(calls.length).toBeLessThanOrEqual(1);
        expect(proof).toEqual(m === n ? [] : subproof(m, d, true));
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, proof, roots[m - 1]!, roots[n]!)).toBe(false);
      }
      expect(await consistencyProof(0, n, read)).toEqual([]);
      expect(verifyConsistency(0, n, [], emptyRoot(), roots[n]!)).toBe(true);
    }
  });
});

describe('proof generation on big trees through a lazy reader', () => {
  const sizes = [2 ** 20, 2 ** 20 + 1, 1_000_003, 2 ** 32 + 5, 2 ** 45 - 3];
  it.each(sizes)('size %d', async (size) => {
    const indexes = [0, 1, Math.floor(size / 2), size - 2, size - 1];
    const read = lazyReader(size, [...indexes, 7, 1000, Math.floor(size / 3) + 1]);
    const root = await treeRoot(size, read);
    for (const index of indexes) {
      const [leaf] = await read([{ level: 0, index }]);
      const proof = await inclusionProof(index, size, read);
      expect(verifyInclusion(leaf!, index, size, proof, root)).toBe(true);
      const tampered = proof.map((h, i) => (i === proof.length - 1 ? h.map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
      expect(verifyInclusion(leaf!, index, size, tampered, root)).toBe(false);
    }
    for (const size1 of [1, 2, 3, 1000, Math.floor(size / 3), size - 1]) {
      const root1 = await treeRoot(size1, read);
      const proof = await consistencyProof(size1, size, read);
      expect(verifyConsistency(size1, size, proof, root1, root)).toBe(true);
      expect(verifyConsistency(size1, size, proof.slice(1), root1, root)).toBe(false);
    }
  });
});

describe('bad input', () => {
  const d = leaves(5);
  const root = rootOf(d);
  const { read } = readerOf(d);

  it('generators throw on impossible requests', async () => {
    await expect(inclusionProof(5, 5, read)).rejects.toThrow(RangeError);
    await expect(inclusionProof(-1, 5, read)).rejects.toThrow(RangeError);
    await expect(inclusionProof(0.5, 5, read)).rejects.toThrow(RangeError);
    await expect(consistencyProof(6, 5, read)).rejects.toThrow(RangeError);
    await expect(inclusionProof(0, 5, async () => [])).rejects.toThrow(/node reader/);
  });

  it('verifiers answer false, never throw', async () => {
    const proof = await inclusionProof(2, 5, read);
    const short = new Uint8Array(31);
    expect(verifyInclusion(d[2]!, 2, 5, proof, root)).toBe(true);
    expect(verifyInclusion(d[2]!, 5, 5, proof, root)).toBe(false);
    expect(verifyInclusion(d[2]!, -1, 5, proof, root)).toBe(false);
    expect(verifyInclusion(d[2]!, 2, Number.NaN, proof, root)).toBe(false);
    expect(verifyInclusion(short, 2, 5, proof, root)).toBe(false);
    expect(verifyInclusion(d[2]!, 2, 5, proof, short)).toBe(false);
    expect(verifyInclusion(d[2]!, 2, 5, [...proof, root], root)).toBe(false);
    expect(verifyInclusion(d[2]!, 2, 5, [short, ...proof.slice(1)], root)).toBe(false);
    expect(verifyInclusion(d[2]!, 2, 5, null as unknown as Hash[], root)).toBe(false);
    const c = await consistencyProof(3, 5, read);
    const root3 = rootOf(d.slice(0, 3));
    expect(verifyConsistency(3, 5, c, root3, root)).toBe(true);
    expect(verifyConsistency(5, 3, c, root, root3)).toBe(false);
    expect(verifyConsistency(3, 5, [...c, root], root3, root)).toBe(false);
    expect(verifyConsistency(3, 5, c.slice(0, -1), root3, root)).toBe(false);
    expect(verifyConsistency(3, 5, c, root3, short)).toBe(false);
    expect(verifyConsistency(0, 0, [], emptyRoot(), emptyRoot())).toBe(true);
    expect(verifyConsistency(0, 5, [], root3, root)).toBe(false);
  });
});
