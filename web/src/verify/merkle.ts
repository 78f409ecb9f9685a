import { bytesEqual, concatBytes, type Bytes } from './bytes';

/**
 * RFC 9162 §2.1 with WebCrypto: leaf and node hashing, and the inclusion (§2.1.3.2) and
 * consistency (§2.1.4.2) proof verifiers. Like the server's verifier (src/transparency/merkle.ts)
 * they answer false for every malformed input: they are fed untrusted proofs, and a throw is
 * too easy to mistake for "not checked".
 */

export const HASH_SIZE = 32;

async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

/** SHA-256(0x00 || entry). */
export const leafHash = (entry: Uint8Array): Promise<Bytes> => sha256(concatBytes(new Uint8Array([0x00]), entry));

/** SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Promise<Bytes> => sha256(concatBytes(new Uint8Array([0x01]), left, right));

/** The root of the empty tree: SHA-256 of nothing. */
export const emptyRoot = (): Promise<Bytes> => sha256(new Uint8Array(0));

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_SIZE;
const isTreeSize = (n: number) => Number.isSafeInteger(n) && n >= 0;
/** No proof over at most 2^53 leaves has more hashes than this. */
const MAX_PROOF_HASHES = 64;
const wellFormed = (proof: readonly Uint8Array[]) => Array.isArray(proof) && proof.length <= MAX_PROOF_HASHES && proof.every(isHash);
const half = (n: number) => Math.floor(n / 2);
const odd = (n: number) => n % 2 === 1;

/** MTH over leaf hashes, merging perfect subtrees like a binary counter. */
export async function rootOf(leaves: readonly Uint8Array[]): Promise<Bytes> {
  if (leaves.length === 0) return emptyRoot();
  const stack: { hash: Uint8Array; size: number }[] = [];
  for (const leaf of leaves) {
    let node = { hash: leaf, size: 1 };
    while (stack.length > 0 && stack[stack.length - 1]!.size === node.size) {
      const left = stack.pop()!;
      node = { hash: await nodeHash(left.hash, node.hash), size: node.size * 2 };
    }
    stack.push(node);
  }
  let acc = stack[stack.length - 1]!.hash;
  for (let i = stack.length - 2; i >= 0; i--) acc = await nodeHash(stack[i]!.hash, acc);
  return acc as Bytes;
}

/** RFC 9162 §2.1.3.2: is `leaf` at `index` in the tree of `treeSize` whose root is `root`? */
export async function verifyInclusion(leaf: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (!isHash(leaf) || !isHash(root) || !wellFormed(proof)) return false;
  if (!isTreeSize(index) || !isTreeSize(treeSize) || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root);
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/**
 * RFC 9162 §2.1.4.2: does (size2, root2) extend (size1, root1)? Edges as the server's verifier
 * decides them: equal sizes need equal roots and an empty proof; size1 = 0 needs an empty proof
 * and the empty tree's root. Every root must be a 32-byte hash, even where only compared.
 */
export async function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): Promise<boolean> {
  if (!isHash(root1) || !isHash(root2) || !wellFormed(proof)) return false;
  if (!isTreeSize(size1) || !isTreeSize(size2) || size1 > size2) return false;
  if (size1 === 0) return proof.length === 0 && bytesEqual(root1, await emptyRoot()) && (size2 > 0 || bytesEqual(root2, root1));
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (proof.length === 0) return false;

  // When size1 is a power of two the old root is itself a node of the new tree.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
