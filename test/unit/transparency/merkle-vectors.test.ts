import { describe, expect, it } from 'vitest';
import { emptyRoot, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../../src/transparency/merkle.js';
import { consistencyVectors, DELIBERATE_REJECTIONS, inclusionVectors, jsonFilesUnder, rootsVector, VECTORS } from '../../helpers/merkle-vectors.js';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

const inclusion = inclusionVectors();
const consistency = consistencyVectors();

describe('merkle test vectors', () => {
  it('reads every vector file', () => {
    expect(inclusion.length).toBeGreaterThanOrEqual(90);
    expect(consistency.length).toBeGreaterThanOrEqual(90);
    expect(inclusion.length + consistency.length + 1).toBe(jsonFilesUnder(VECTORS).length);
  });

  it('roots.json: rootOf the first N leaves', () => {
    const { leafInputsHex, rootsHexBySize } = rootsVector();
    const leaves = leafInputsHex.map((h) => leafHash(hex(h)));
    expect(rootsHexBySize).toHaveLength(9);
    rootsHexBySize.forEach((root, size) => {
      expect(Buffer.from(rootOf(leaves.slice(0, size))).toString('hex')).toBe(root);
    });
    expect(Buffer.from(emptyRoot()).toString('hex')).toBe(rootsHexBySize[0]);
  });

  it.each(inclusion)('inclusion $name', ({ vector: v }) => {
    const ok = verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root));
    expect(ok).toBe(!v.wantErr);
  });

  it.each(consistency)('consistency $name', ({ name, vector: v }) => {
    const ok = verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    expect(ok).toBe(DELIBERATE_REJECTIONS.has(name) ? false : !v.wantErr);
  });

  it('the deliberate rejection still honours its rule with real roots', () => {
    const root = rootOf([leafHash(new Uint8Array([1]))]);
    expect(verifyConsistency(1, 1, [], root, root)).toBe(true);
    expect(verifyConsistency(1, 1, [], root, leafHash(new Uint8Array([2])))).toBe(false);
    expect(verifyConsistency(1, 1, [root], root, root)).toBe(false);
  });
});
