import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The public RFC 9162 vectors (transparency-dev/merkle, see their README), read in place and
 * unchanged, for both of our verifiers: the server's (src/transparency) and the browser's (web/src/verify).
 */
export const VECTORS = fileURLToPath(new URL('../../../shared/vectors/merkle', import.meta.url));

export interface InclusionVector { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
export interface ConsistencyVector { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

export function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFilesUnder(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

const read = <T>(path: string) => ({ name: relative(VECTORS, path), vector: JSON.parse(readFileSync(path, 'utf8')) as T });

export const inclusionVectors = () => jsonFilesUnder(join(VECTORS, 'inclusion')).map((p) => read<InclusionVector>(p));
export const consistencyVectors = () => jsonFilesUnder(join(VECTORS, 'consistency')).map((p) => read<ConsistencyVector>(p));

/** roots.json: leaf inputs and the root of the first N of them, N = 0..8. */
export const rootsVector = () => JSON.parse(readFileSync(join(VECTORS, 'roots.json'), 'utf8')) as { leafInputsHex: string[]; rootsHexBySize: string[] };

/**
 * Where our answer deliberately differs from `wantErr`. This vector (from transparency-dev/merkle's
 * Go tests) has equal sizes, an empty proof and equal "roots" that are 12 bytes of ASCII
 * ("don't care 2"), and expects acceptance, because the Go verifier only compares the two roots.
 * Our verifiers reject anything that is not a 32-byte hash before looking further: a verifier
 * that says "consistent" about two values that cannot be SHA-256 roots is reporting on garbage,
 * and the verifier CLI must never print OK for it. The rule the vector is about (equal sizes,
 * equal roots, empty proof => consistent, RFC 9162 §2.1.4.2) is tested with real roots.
 */
export const DELIBERATE_REJECTIONS = new Set(['consistency/additional/sizes-are-equal-one-and-proof-is-empty.json']);
