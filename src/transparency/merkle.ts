import { hash } from 'node:crypto';

/**
 * RFC 9162 §2.1 Merkle trees (SHA-256, leaf prefix 0x00, node prefix 0x01): hashing and the proof
 * verification algorithms of §2.1.3.2 and §2.1.4.2. Proof generation is in `merkle-proofs.ts`.
 * The verifiers answer `false` for every malformed input instead of throwing: they are fed
 * untrusted proofs, and a throw is too easy to mistake for "not checked".
 */

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

/** A complete subtree: level l, index i = hash of leaves [i*2^l, (i+1)*2^l). Level 0 = leaf hashes. */
export interface NodeRef {
  level: number;
  index: number;
}

/** Reads many complete-subtree hashes at once (one call per proof), same order as asked. */
export type NodeReader = (refs: readonly NodeRef[]) => Promise<Hash[]>;

// One-shot crypto.hash over one reused input buffer is about twice as fast as a createHash
// object per node, and node hashing is most of the sequencer's and the verifier's time.
function sha256(data: Uint8Array): Hash {
  const digest = hash('sha256', data, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array): Hash {
  const input = Buffer.allocUnsafe(1 + entry.length);
  input[0] = 0x00;
  input.set(entry, 1);
  return sha256(input);
}

// Safe to share: filled and hashed synchronously, never escapes.
const nodeInput = new Uint8Array(1 + 2 * HASH_SIZE);

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    const input = Buffer.concat([new Uint8Array([0x01]), left, right]);
    return sha256(input);
  }
  nodeInput[0] = 0x01;
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return sha256(nodeInput);
}

/** The root of the empty tree, SHA-256 of nothing. */
export function emptyRoot(): Hash {
  return sha256(new Uint8Array(0));
}

export function isHash(value: unknown): value is Hash {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}

export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Folds the hashes of consecutive perfect subtrees, largest (leftmost) first, into the MTH of
 * their union: MTH(D[a:b]) = HASH(perfect_1 || MTH(rest)) by RFC 9162's split rule.
 */
export function foldRightEdge(perfect: readonly Hash[]): Hash {
  if (perfect.length === 0) return emptyRoot();
  let acc = perfect[perfect.length - 1]!;
  for (let i = perfect.length - 2; i >= 0; i--) acc = nodeHash(perfect[i]!, acc);
  return acc;
}

/** MTH over leaf hashes (size 0 -> emptyRoot), bottom-up in O(n). */
export function rootOf(leafHashes: readonly Hash[]): Hash {
  if (leafHashes.length === 0) return emptyRoot();
  // Merge perfect subtrees like a binary counter; what is left on the stack is the right edge.
  const stack: { hash: Hash; size: number }[] = [];
  for (const leaf of leafHashes) {
    let node = { hash: leaf, size: 1 };
    while (stack.length > 0 && stack[stack.length - 1]!.size === node.size) {
      const left = stack.pop()!;
      node = { hash: nodeHash(left.hash, node.hash), size: node.size * 2 };
    }
    stack.push(node);
  }
  return foldRightEdge(stack.map((s) => s.hash));
}

function isTreeSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** No RFC 9162 proof over a tree of at most 2^53 leaves has more than 53 (+1) hashes. */
const MAX_PROOF_HASHES = 64;

function wellFormedProof(proof: readonly Hash[]): boolean {
  return Array.isArray(proof) && proof.length <= MAX_PROOF_HASHES && proof.every(isHash);
}

const half = (n: number) => Math.floor(n / 2);
const odd = (n: number) => n % 2 === 1;

/** RFC 9162 §2.1.3.2: is `leaf` at `index` in the tree of `treeSize` with this root? */
export function verifyInclusion(leaf: Hash, index: number, treeSize: number, proof: readonly Hash[], root: Hash): boolean {
  if (!isHash(leaf) || !isHash(root) || !wellFormedProof(proof)) return false;
  if (!isTreeSize(index) || !isTreeSize(treeSize) || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree (size2, root2) an append-only extension of (size1, root1)?
 *
 * The RFC's algorithm covers 0 < size1 < size2. For the edges we follow the tlog-witness rules:
 * equal sizes are consistent only with equal roots and an empty proof; size1 = 0 is consistent
 * with anything, but only with an empty proof and root1 the empty tree's root (anything else is
 * a claim about an empty tree that cannot be true). Every root must be a 32-byte hash, even
 * where it is merely compared.
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Hash[], root1: Hash, root2: Hash): boolean {
  if (!isHash(root1) || !isHash(root2) || !wellFormedProof(proof)) return false;
  if (!isTreeSize(size1) || !isTreeSize(size2) || size1 > size2) return false;
  if (size1 === 0) return proof.length === 0 && hashesEqual(root1, emptyRoot()) && (size2 > 0 || hashesEqual(root2, root1));
  if (size1 === size2) return proof.length === 0 && hashesEqual(root1, root2);
  if (proof.length === 0) return false;

  // Step 2: when size1 is a power of two, the old root is itself a node of the new tree.
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
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        do {
          fn = half(fn);
          sn = half(sn);
        } while (!odd(fn) && fn !== 0);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(fr, root1) && hashesEqual(sr, root2);
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

export { consistencyProof, inclusionProof, treeRoot } from './merkle-proofs.js';
