import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyRoot, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../../web/src/verify/merkle.js';

// The public RFC 9162 vectors (transparency-dev/merkle), read in place, as test/unit/transparency does.
const VECTORS = fileURLToPath(new URL('../../../../shared/vectors/merkle', import.meta.url));

interface InclusionVector { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; wantErr: boolean }
interface ConsistencyVector { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; wantErr: boolean }

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFilesUnder(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const read = <T>(path: string) => ({ name: relative(VECTORS, path), vector: JSON.parse(readFileSync(path, 'utf8')) as T });

/** Same deliberate policy as the server's verifier: 12-byte "roots" are not hashes, so never "consistent" (see test/unit/transparency/merkle-vectors.test.ts). */
const DELIBERATE_REJECTIONS = new Set(['consistency/additional/sizes-are-equal-one-and-proof-is-empty.json']);

const inclusion = jsonFilesUnder(join(VECTORS, 'inclusion')).map((p) => read<InclusionVector>(p));
const consistency = jsonFilesUnder(join(VECTORS, 'consistency')).map((p) => read<ConsistencyVector>(p));

describe('browser Merkle verifier (WebCrypto) on the RFC 9162 vectors', () => {
  it('reads every vector file', () => {
    expect(inclusion.length).toBeGreaterThanOrEqual(90);
    expect(consistency.length).toBeGreaterThanOrEqual(90);
  });

  it('roots.json: the root of the first N leaves, N = 0..8', async () => {
    const { leafInputsHex, rootsHexBySize } = JSON.parse(readFileSync(join(VECTORS, 'roots.json'), 'utf8')) as { leafInputsHex: string[]; rootsHexBySize: string[] };
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
