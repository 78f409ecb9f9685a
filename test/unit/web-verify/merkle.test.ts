import { describe, expect, it } from 'vitest';
import { emptyRoot, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../../web/src/verify/merkle.js';
import { consistencyVectors, DELIBERATE_REJECTIONS, inclusionVectors, rootsVector } from '../../helpers/merkle-vectors.js';

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const inclusion = inclusionVectors();
const consistency = consistencyVectors();

describe('browser Merkle verifier (WebCrypto) on the RFC 9162 vectors', () => {
  it('reads every vector file', () => {
    expect(inclusion.length).toBeGreaterThanOrEqual(90);
    expect(consistency.length).toBeGreaterThanOrEqual(90);
  });

  it('roots.json: the root of the first N leaves, N = 0..8', async () => {
    const { leafInputsHex, rootsHexBySize } = rootsVector();
    const leaves = await Promise.all(leafInputsHex.map((h) => leafHash(new Uint8Array(Buffer.from(h, 'hex')))));
    for (const [size, root] of rootsHexBySize.entries()) expect(hex(await rootOf(leaves.slice(0, size)))).toBe(root);
    expect(hex(await emptyRoot())).toBe(rootsHexBySize[0]);
  });

  it.each(inclusion)('inclusion $name', async ({ vector: v }) => {
    expect(await verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, (v.proof ?? []).map(b64), b64(v.root))).toBe(!v.wantErr);
  });

  it.each(consistency)('consistency $name', async ({ name, vector: v }) => {
    const ok = await verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    expect(ok).toBe(DELIBERATE_REJECTIONS.has(name) ? false : !v.wantErr);
  });

  it('rejects malformed input instead of throwing', async () => {
    const leaf = await leafHash(new Uint8Array([1]));
    expect(await verifyInclusion(leaf, 0, 1, [], leaf)).toBe(true);
    expect(await verifyInclusion(leaf, 1, 1, [], leaf)).toBe(false);
    expect(await verifyInclusion(leaf, -1, 1, [], leaf)).toBe(false);
    expect(await verifyInclusion(leaf.slice(1), 0, 1, [], leaf)).toBe(false);
    expect(await verifyConsistency(2, 1, [], leaf, leaf)).toBe(false);
    expect(await verifyConsistency(1, 1, [], leaf, leaf)).toBe(true);
  });
});
