import { leafHash, nodeHash, rootOf, type Hash } from '../merkle.js';
import { decodeEntryBundle, entriesPath, tilePath, tilesOfTree, TILE_HEIGHT, TILE_WIDTH, type TileRef } from '../tiles.js';
import type { Checkpoint } from '../checkpoint.js';
import { FetchFailure, type LogClient } from './fetch.js';
import { VerificationFailure, type VerificationReport } from './report.js';

export interface RebuiltTree {
  size: number;
  /** Entry `i` as the log serves it: the bytes leaf `i` hashes. */
  entries: Uint8Array[];
  leafHashes: Hash[];
  root: Hash;
}

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

/** Runs `fn` over `items`, at most `limit` at once, keeping the order of the results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Hashes of the complete subtrees at every level: level 0 the leaves, level k+1 the pairs of level k. */
function completeSubtrees(leafHashes: readonly Hash[], levels: number): Hash[][] {
  const out: Hash[][] = [leafHashes.slice()];
  for (let k = 1; k <= levels; k++) {
    const below = out[k - 1]!;
    const row: Hash[] = [];
    for (let j = 0; 2 * j + 1 < below.length; j++) row.push(nodeHash(below[2 * j]!, below[2 * j + 1]!));
    out.push(row);
  }
  return out;
}

function concat(hashes: readonly Hash[]): Uint8Array {
  const out = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) => out.set(h, i * 32));
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

/**
 * Downloads every entry bundle of the checkpoint's tree, hashes the entries, rebuilds the tree and
 * checks the root against the checkpoint and every served hash tile against the recomputed one.
 * Mismatches go to `report`; missing or malformed bundles end the rebuild (no root to compare).
 */
export async function rebuildTree(client: LogClient, checkpoint: Checkpoint, report: VerificationReport): Promise<RebuiltTree | undefined> {
  const size = checkpoint.size;
  const layout = tilesOfTree(size);
  const bundleFailures: string[] = [];
  const bundles = await mapLimit(layout.entries, 8, async (b) => {
    const path = entriesPath(b.index, b.width);
    try {
      const entries = decodeEntryBundle(await client.entryBundle(b.index, b.width));
      if (entries.length !== b.width) bundleFailures.push(`entry bundle ${path} holds ${entries.length} entries; the checkpoint of size ${size} needs ${b.width}`);
      return entries;
    } catch (err) {
      if (err instanceof FetchFailure) bundleFailures.push(`entry bundle ${path} is not served (${err.answer}), though the checkpoint of size ${size} covers it`);
      else bundleFailures.push(err instanceof VerificationFailure ? err.message : `entry bundle ${path} is malformed: ${(err as Error).message}`);
      return [];
    }
  });
  if (bundleFailures.length) {
    report.failures.push(...bundleFailures);
    return undefined;
  }
  const entries = bundles.flat();
  const leafHashes = entries.map((e) => leafHash(e));
  report.checked.push(`downloaded ${layout.entries.length} entry bundle(s) with ${entries.length} entries and hashed each (SHA-256(0x00 || entry))`);

  const topLevel = layout.hash.reduce((m, t) => Math.max(m, t.level), 0);
  const subtrees = completeSubtrees(leafHashes, topLevel * TILE_HEIGHT);
  const tileFailures: string[] = [];
  await mapLimit(layout.hash, 8, async (t: TileRef) => {
    const path = tilePath(t);
    let served: Uint8Array;
    try {
      served = await client.hashTile(t);
    } catch (err) {
      tileFailures.push(err instanceof FetchFailure ? `hash tile ${path} is not served (${err.answer}), though the checkpoint of size ${size} covers it` : (err as Error).message);
      return;
    }
    const expected = concat(subtrees[t.level * TILE_HEIGHT]!.slice(t.index * TILE_WIDTH, t.index * TILE_WIDTH + t.width));
    if (sameBytes(served, expected)) return;
    if (served.length !== expected.length) {
      tileFailures.push(`hash tile ${path} is ${served.length} bytes; ${t.width} hashes are ${expected.length}`);
      return;
    }
    let i = 0;
    while (sameBytes(served.subarray(i * 32, i * 32 + 32), expected.subarray(i * 32, i * 32 + 32))) i++;
    const what = t.level === 0 ? `the leaf hash of entry ${t.index * TILE_WIDTH + i}` : `hash ${i}`;
    tileFailures.push(`hash tile ${path} differs from the one recomputed from the entries (first at ${what})`);
  });
  if (tileFailures.length) report.failures.push(...tileFailures);
  else report.checked.push(`downloaded ${layout.hash.length} hash tile(s); each equals the tile recomputed from the entries`);

  const root = rootOf(leafHashes);
  if (sameBytes(root, checkpoint.root)) report.checked.push(`the root recomputed from the ${size} entries is the checkpoint's root ${b64(root)}`);
  else report.failures.push(`the root recomputed from the ${size} entries (${b64(root)}) is not the checkpoint's root (${b64(checkpoint.root)})`);
  return { size, entries, leafHashes, root };
}
