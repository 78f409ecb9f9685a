import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../../src/transparency/merkle.js';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  extendTiles,
  nodeReaderFromTiles,
  parseTilePath,
  rightEdgeOf,
  rootOfEdge,
  tilePath,
  tilesOfTree,
  type TileRef,
} from '../../../src/transparency/tiles.js';

describe('tile paths', () => {
  it.each([
    [{ level: 0, index: 0, width: 256 }, 'tile/0/000'],
    [{ level: 0, index: 0, width: 1 }, 'tile/0/000.p/1'],
    [{ level: 1, index: 999, width: 256 }, 'tile/1/999'],
    [{ level: 2, index: 1000, width: 255 }, 'tile/2/x001/000.p/255'],
    [{ level: 0, index: 1234067, width: 256 }, 'tile/0/x001/x234/067'],
    [{ level: 0, index: 1234, width: 7 }, 'tile/0/x001/234.p/7'],
    [{ level: 63, index: 1_000_000, width: 256 }, 'tile/63/x001/x000/000'],
  ])('%j <-> %s', (ref: TileRef, path) => {
    expect(tilePath(ref)).toBe(path);
    expect(parseTilePath(path)).toEqual({ kind: 'hash', ...ref });
  });

  it('entry bundle paths', () => {
    expect(entriesPath(1234, 7)).toBe('tile/entries/x001/234.p/7');
    expect(entriesPath(0, 256)).toBe('tile/entries/000');
    expect(parseTilePath('tile/entries/x001/234.p/7')).toEqual({ kind: 'entries', index: 1234, width: 7 });
    expect(parseTilePath('tile/entries/005')).toEqual({ kind: 'entries', index: 5, width: 256 });
  });

  it('round trips many indexes', () => {
    for (const index of [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 999_999, 1_000_000, 2 ** 45, Number.MAX_SAFE_INTEGER]) {
      for (const width of [1, 128, 255, 256]) {
        expect(parseTilePath(tilePath({ level: 3, index, width }))).toEqual({ kind: 'hash', level: 3, index, width });
      }
    }
  });

  it.each([
    'tile/0/0', 'tile/0/00', 'tile/0/0000', 'tile/0/001/234', 'tile/0/x000/001', 'tile/0/x001', 'tile/0/xx01/234',
    'tile/00/000', 'tile/01/000', 'tile/64/000', 'tile/-1/000', 'tile/a/000', 'tile/0/000.p/0', 'tile/0/000.p/256',
    'tile/0/000.p/07', 'tile/0/000.p/', 'tile/0/000.p', 'tile/0/000.p/1/2', 'tile/0/000.q/1', '/tile/0/000', 'tile/0/000/',
    'tile/0', 'tile/entries', 'tile/entries/0', 'tile/entries/x000/000', 'tiles/0/000', 'tile/0/x001.p/5', 'tile/0/ 001',
    'tile/0/x1000/000', 'tile/0/x009/x007/x199/x254/x740/x993/000',
  ])('rejects %s', (path) => {
    expect(parseTilePath(path)).toBeNull();
  });

  it('refuses to format impossible tiles', () => {
    expect(() => tilePath({ level: 0, index: 0, width: 0 })).toThrow(RangeError);
    expect(() => tilePath({ level: 0, index: 0, width: 257 })).toThrow(RangeError);
    expect(() => tilePath({ level: 64, index: 0, width: 1 })).toThrow(RangeError);
    expect(() => tilePath({ level: 0, index: -1, width: 1 })).toThrow(RangeError);
    expect(() => entriesPath(1.5, 1)).toThrow(RangeError);
  });
});

describe('tilesOfTree', () => {
  it('follows the spec example for 70,000 leaves', () => {
    const { hash, entries } = tilesOfTree(70_000);
    const at = (level: number) => hash.filter((t) => t.level === level);
    expect(at(0)).toHaveLength(274);
    expect(at(0).filter((t) => t.width === 256)).toHaveLength(273);
    expect(at(0)[273]).toEqual({ level: 0, index: 273, width: 112 });
    expect(at(1)).toEqual([{ level: 1, index: 0, width: 256 }, { level: 1, index: 1, width: 17 }]);
    expect(at(2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(entries).toHaveLength(274);
    expect(entries[273]).toEqual({ index: 273, width: 112 });
    expect(rightEdgeOf(70_000)).toEqual([{ level: 0, index: 273, width: 112 }, { level: 1, index: 1, width: 17 }, { level: 2, index: 0, width: 1 }]);
  });

  it('handles the small and exact sizes', () => {
    expect(tilesOfTree(0)).toEqual({ hash: [], entries: [] });
    expect(tilesOfTree(256).hash).toEqual([{ level: 0, index: 0, width: 256 }, { level: 1, index: 0, width: 1 }]);
    expect(tilesOfTree(65536).hash.filter((t) => t.level > 0)).toEqual([{ level: 1, index: 0, width: 256 }, { level: 2, index: 0, width: 1 }]);
  });
});

describe('entry bundles', () => {
  it('round trips, including empty and maximal entries', () => {
    const entries = [new Uint8Array(0), new TextEncoder().encode('{"a":1}'), new Uint8Array(0xffff).fill(7)];
    const bundle = encodeEntryBundle(entries);
    expect([...bundle.subarray(0, 4)]).toEqual([0, 0, 0, 7]);
    expect(decodeEntryBundle(bundle)).toEqual(entries);
  });

  it('rejects oversize entries and truncated bundles', () => {
    expect(() => encodeEntryBundle([new Uint8Array(0x10000)])).toThrow(RangeError);
    expect(() => decodeEntryBundle(new Uint8Array([0]))).toThrow(/truncated/);
    expect(() => decodeEntryBundle(new Uint8Array([0, 3, 1, 2]))).toThrow(/truncated/);
  });
});

const leaves = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => leafHash(new TextEncoder().encode(`entry ${from + i}`)));

/** Every tile of a tree, computed from scratch (level by level, by plain MTH over leaf ranges). */
function tilesFromScratch(all: readonly Hash[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let hashes: Hash[] = [...all];
  for (let level = 0; hashes.length > 0; level++) {
    const next: Hash[] = [];
    for (let index = 0; index * 256 < hashes.length; index++) {
      const slice = hashes.slice(index * 256, index * 256 + 256);
      out.set(`${level}/${index}`, Buffer.concat(slice));
      if (slice.length === 256) next.push(rootOf(slice));
    }
    hashes = next;
  }
  return out;
}

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('extendTiles', () => {
  const TOTAL = 70_000;
  const all = leaves(0, TOTAL);
  const expected = tilesFromScratch(all);

  it('grows a tree in random chunks to 70,000 leaves, matching tiles and roots from scratch', () => {
    const random = mulberry32(42);
    const store = new Map<string, Uint8Array>(); // "level/index" -> latest hashes
    let size = 0;
    let steps = 0;
    while (size < TOTAL) {
      const chunk = Math.min(TOTAL - size, steps % 7 === 0 ? 0 : Math.floor(random() * 3000));
      const edge = new Map(rightEdgeOf(size).map((t) => [t.level, store.get(`${t.level}/${t.index}`)!]));
      const grown = extendTiles(size, edge, all.slice(size, size + chunk));
      expect(grown.size).toBe(size + chunk);
      for (const t of grown.tiles) {
        expect(t.hashes.length).toBe(t.width * 32);
        // Tiles only grow, so a tile of this tree is a prefix of the same tile of the final tree.
        const final = expected.get(`${t.level}/${t.index}`)!;
        expect(Buffer.from(t.hashes).equals(final.subarray(0, t.width * 32))).toBe(true);
        store.set(`${t.level}/${t.index}`, t.hashes);
      }
      // Exactly the tiles whose content changed, and every tile of the new tree is now stored right.
      const before = new Set(tilesOfTree(size).hash.map((t) => `${t.level}/${t.index}/${t.width}`));
      const changed = tilesOfTree(size + chunk).hash.filter((t) => !before.has(`${t.level}/${t.index}/${t.width}`));
      expect(grown.tiles.map(({ level, index, width }) => ({ level, index, width }))).toEqual(
        changed.sort((a, b) => a.level - b.level || a.index - b.index),
      );
      expect(grown.root).toEqual(rootOf(all.slice(0, size + chunk)));
      size += chunk;
      steps++;
    }
    expect(steps).toBeGreaterThan(30);
    for (const [key, hashes] of expected) expect(Buffer.from(store.get(key)!).equals(hashes)).toBe(true);
    expect(store.size).toBe(expected.size);
  });

  it('crosses a level-2 boundary in one step and starts from empty', () => {
    const once = extendTiles(0, new Map(), all.slice(0, 65_537));
    expect(once.root).toEqual(rootOf(all.slice(0, 65_537)));
    expect(once.tiles.filter((t) => t.level === 2)).toHaveLength(1);
    const empty = extendTiles(0, new Map(), []);
    expect(empty).toEqual({ tiles: [], root: rootOf([]), size: 0 });
  });

  it('throws when the right edge is missing or wrong', () => {
    const grown = extendTiles(0, new Map(), all.slice(0, 300));
    const edge = new Map([[0, grown.tiles[1]!.hashes], [1, grown.tiles[2]!.hashes]]);
    expect(rootOfEdge(300, edge)).toEqual(grown.root);
    expect(() => extendTiles(300, new Map([[0, edge.get(0)!]]), [])).toThrow(/level 1/);
    expect(() => extendTiles(300, new Map([[0, edge.get(0)!.subarray(32)], [1, edge.get(1)!]]), [])).toThrow(/level 0/);
    expect(() => extendTiles(300, edge, [new Uint8Array(31)])).toThrow(/32 bytes/);
  });
});

describe('nodeReaderFromTiles', () => {
  const all = leaves(0, 70_000);
  const finalTiles = tilesFromScratch(all);

  function fetcher() {
    const fetched: TileRef[] = [];
    const fetchTile = async (t: TileRef) => {
      fetched.push(t);
      const tile = finalTiles.get(`${t.level}/${t.index}`);
      if (!tile) throw new Error(`no tile ${t.level}/${t.index}`);
      // Serve the tile of the final tree, maybe wider than asked: the reader must cope with a tile that grew.
      return tile;
    };
    return { fetched, fetchTile };
  }

  it.each([1, 255, 256, 257, 4097, 65_535, 65_536, 65_537, 70_000])('proofs through tiles verify for size %d', async (size) => {
    const { fetched, fetchTile } = fetcher();
    const read = nodeReaderFromTiles(size, fetchTile);
    const root = rootOf(all.slice(0, size));
    for (const index of new Set([0, 1, 255, 256, Math.floor(size / 2), size - 1].filter((i) => i >= 0 && i < size))) {
      fetched.length = 0;
      const proof = await inclusionProof(index, size, read);
      expect(verifyInclusion(all[index]!, index, size, proof, root)).toBe(true);
      const keys = fetched.map((t) => `${t.level}/${t.index}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (const t of fetched) expect(t.width).toBe(Math.min(256, Math.floor(size / 256 ** t.level) - t.index * 256));
    }
    for (const size1 of new Set([1, 2, 3, 256, 1000, size - 1].filter((s) => s >= 1 && s < size))) {
      const proof = await consistencyProof(size1, size, read);
      expect(verifyConsistency(size1, size, proof, rootOf(all.slice(0, size1)), root)).toBe(true);
    }
  });

  it('answers nodes at every level, including those between tile levels', async () => {
    const { fetchTile } = fetcher();
    const read = nodeReaderFromTiles(70_000, fetchTile);
    const refs = [0, 1, 5, 7, 8, 9, 15, 16].map((level) => ({ level, index: 0 }));
    const got = await read(refs);
    refs.forEach((r, i) => expect(got[i]).toEqual(rootOf(all.slice(0, 2 ** r.level))));
    await expect(read([{ level: 17, index: 0 }])).rejects.toThrow(RangeError);
    await expect(read([{ level: 0, index: 70_000 }])).rejects.toThrow(RangeError);
    const short = nodeReaderFromTiles(70_000, async () => new Uint8Array(64));
    await expect(short([{ level: 0, index: 69_999 }])).rejects.toThrow(/bytes/);
  });
});
