import { emptyRoot, foldRightEdge, HASH_SIZE, isHash, type Hash, type NodeReader, type NodeRef } from './merkle.js';
import { hashNodeInto } from './node-hasher.js';
import { hashesAtTileLevel, TILE_HEIGHT, TILE_WIDTH, type TileRef } from './tiles.js';

/**
 * Merkle hashing over tlog-tiles hash tiles: reading complete subtrees out of tiles, the root of
 * a tree from its right edge, and the sequencer's step that grows the tiles by a batch of leaves.
 */

/**
 * Scratch for perfectSubtree: the first level above a full tile (256 hashes) is its widest, 128
 * hashes. A literal size: tiles.ts, where TILE_WIDTH lives, imports this module.
 */
const work = new Uint8Array(128 * 32);

/**
 * The hash of the perfect subtree over `count` (a power of two, at most a tile) consecutive
 * hashes of a tile. The first level is hashed straight out of the tile, the rest in place in one
 * scratch buffer, so the only allocation is the result.
 */
function perfectSubtree(tile: Uint8Array, first: number, count: number): Hash {
  const start = first * HASH_SIZE;
  if (count === 1) return copyHash(tile, start);
  let width = count / 2;
  for (let j = 0; j < width; j++) hashNodeInto(tile, start + 2 * j * HASH_SIZE, tile, start + (2 * j + 1) * HASH_SIZE, work, j * HASH_SIZE);
  while (width > 1) {
    width /= 2;
    for (let j = 0; j < width; j++) hashNodeInto(work, 2 * j * HASH_SIZE, work, (2 * j + 1) * HASH_SIZE, work, j * HASH_SIZE);
  }
  return copyHash(work, 0);
}

/** A fresh 32-byte Uint8Array (never a Buffer view into a cached tile). */
function copyHash(from: Uint8Array, at: number): Hash {
  const hash = new Uint8Array(HASH_SIZE);
  for (let i = 0; i < HASH_SIZE; i++) hash[i] = from[at + i]!;
  return hash;
}

/** The complete subtrees (largest first) of a partial tile of `width` hashes. */
function subtreesOfPartialTile(tile: Uint8Array, width: number): Hash[] {
  const out: Hash[] = [];
  let first = 0;
  for (let bit = TILE_WIDTH / 2; bit >= 1; bit /= 2) {
    if (width & bit) {
      out.push(perfectSubtree(tile, first, bit));
      first += bit;
    }
  }
  return out;
}

/** The width of tile `index` at tile level `level` in a tree of `treeSize`; 0 if it has none. */
function tileWidthIn(treeSize: number, level: number, index: number): number {
  const count = hashesAtTileLevel(treeSize, level);
  return Math.max(0, Math.min(TILE_WIDTH, count - index * TILE_WIDTH));
}

/**
 * The root of a tree of `treeSize` from its right edge (tile level -> hashes of the partial tile
 * at that level). Throws if a partial tile is missing or has the wrong length.
 */
export function rootOfEdge(treeSize: number, edge: ReadonlyMap<number, Uint8Array>): Hash {
  if (treeSize === 0) return emptyRoot();
  const subtrees: Hash[] = [];
  for (let level = 0; hashesAtTileLevel(treeSize, level) > 0; level++) {
    const width = hashesAtTileLevel(treeSize, level) % TILE_WIDTH;
    if (width === 0) continue;
    const tile = edgeTile(edge, level, width);
    // Higher tile levels hold the leftmost (larger) subtrees, so they go first.
    subtrees.unshift(...subtreesOfPartialTile(tile, width));
  }
  return foldRightEdge(subtrees);
}

function edgeTile(edge: ReadonlyMap<number, Uint8Array>, level: number, width: number): Uint8Array {
  const tile = edge.get(level) ?? new Uint8Array(0);
  if (tile.length !== width * HASH_SIZE) {
    throw new Error(`right-edge tile at level ${level} has ${tile.length} bytes, expected ${width * HASH_SIZE} (width ${width})`);
  }
  return tile;
}

/**
 * Reads complete-subtree hashes out of hash tiles of a tree of `treeSize`; fetches each needed
 * tile once per call. A node at tree level 8L+r is the perfect subtree over 2^r consecutive
 * hashes of one tile at tile level L. A fetched tile may be wider than asked for (a partial
 * tile that has grown since, or the full tile): tiles only ever grow, so its prefix is the same.
 */
export function nodeReaderFromTiles(treeSize: number, fetchTile: (t: TileRef) => Promise<Uint8Array>): NodeReader {
  return async (refs: readonly NodeRef[]) => {
    const located = refs.map(({ level, index }) => {
      if (!Number.isSafeInteger(level) || !Number.isSafeInteger(index) || level < 0 || index < 0 || (index + 1) * 2 ** level > treeSize) {
        throw new RangeError(`node ${level}/${index} is not a complete subtree of a tree of size ${treeSize}`);
      }
      const tileLevel = Math.floor(level / TILE_HEIGHT);
      const count = 2 ** (level % TILE_HEIGHT);
      const firstHash = index * count;
      const tileIndex = Math.floor(firstHash / TILE_WIDTH);
      return { tileLevel, tileIndex, offset: firstHash % TILE_WIDTH, count };
    });
    const wanted = new Map<string, TileRef>();
    for (const l of located) {
      const key = `${l.tileLevel}/${l.tileIndex}`;
      if (!wanted.has(key)) wanted.set(key, { level: l.tileLevel, index: l.tileIndex, width: tileWidthIn(treeSize, l.tileLevel, l.tileIndex) });
    }
    const fetched = new Map<string, Uint8Array>();
    await Promise.all(
      [...wanted].map(async ([key, t]) => {
        const tile = await fetchTile(t);
        if (tile.length < t.width * HASH_SIZE || tile.length % HASH_SIZE !== 0) {
          throw new Error(`tile ${t.level}/${t.index} has ${tile.length} bytes, expected ${t.width * HASH_SIZE}`);
        }
        fetched.set(key, tile);
      }),
    );
    return located.map((l) => perfectSubtree(fetched.get(`${l.tileLevel}/${l.tileIndex}`)!, l.offset, l.count));
  };
}

/**
 * The sequencer's step: from the right edge of the tree of `oldSize` (tile level -> hashes of
 * its partial tile) and the new leaf hashes, every tile that changed (to upsert) and the new root.
 * Linear in the new leaves: each level only touches the tiles from its old partial one onwards,
 * and a tile that fills up contributes one hash to the level above.
 */
export function extendTiles(
  oldSize: number,
  edge: ReadonlyMap<number, Uint8Array>,
  newLeaves: readonly Hash[],
): { tiles: (TileRef & { hashes: Uint8Array })[]; root: Hash; size: number } {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0) throw new RangeError(`oldSize must be a non-negative safe integer, got ${oldSize}`);
  if (!newLeaves.every(isHash)) throw new Error('every new leaf hash must be 32 bytes');
  const size = oldSize + newLeaves.length;
  if (!Number.isSafeInteger(size)) throw new RangeError(`tree size ${size} is too large`);

  const tiles: (TileRef & { hashes: Uint8Array })[] = [];
  const newEdge = new Map<number, Uint8Array>();
  let appended: readonly Hash[] = newLeaves;
  for (let level = 0; hashesAtTileLevel(size, level) > 0; level++) {
    const oldCount = hashesAtTileLevel(oldSize, level);
    const oldWidth = oldCount % TILE_WIDTH;
    const oldTile = oldWidth > 0 ? edgeTile(edge, level, oldWidth) : undefined;
    if (appended.length === 0) {
      if (oldTile) newEdge.set(level, oldTile);
      continue;
    }
    const newCount = oldCount + appended.length;
    const filled: Hash[] = [];
    const lastTile = Math.floor((newCount - 1) / TILE_WIDTH);
    for (let index = Math.floor(oldCount / TILE_WIDTH); index <= lastTile; index++) {
      const start = index * TILE_WIDTH;
      const width = Math.min(TILE_WIDTH, newCount - start);
      const hashes = new Uint8Array(width * HASH_SIZE);
      let pos = start;
      if (oldTile && index === Math.floor(oldCount / TILE_WIDTH)) {
        hashes.set(oldTile, 0);
        pos = oldCount;
      }
      for (; pos < start + width; pos++) hashes.set(appended[pos - oldCount]!, (pos - start) * HASH_SIZE);
      tiles.push({ level, index, width, hashes });
      if (width === TILE_WIDTH) filled.push(perfectSubtree(hashes, 0, TILE_WIDTH));
      else newEdge.set(level, hashes);
    }
    appended = filled;
  }
  return { tiles, root: rootOfEdge(size, newEdge), size };
}
