import type { Db } from '../../../db/client.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { consistencyProof, inclusionProof, type Hash, type NodeReader } from '../merkle.js';
import { encodeEntryBundle, nodeReaderFromTiles, TILE_WIDTH, type TileRef } from '../tiles.js';
import { checkpointOfSize, cosignatureLines, indexOfLeafHash, latestCheckpoint, readEntries, readTile, type StoredCheckpoint, type StoredTile } from './storage.js';

/**
 * Reads the published log: checkpoints, hash tiles, entry bundles and proofs. One per database
 * handle (readerFor); it keeps bounded caches of tiles and of subtree hashes. A tile's content at a
 * given width never changes (a wider version only appends hashes), so the widest version seen
 * serves every narrower request without asking the database again; a complete subtree's hash
 * never changes at all.
 */
export class LogReader {
  private readonly tiles = new Map<string, { width: number; hashes: Uint8Array }>();
  /** Tile reads in flight, so concurrent readers of one tile share a query. */
  private readonly loading = new Map<string, Promise<StoredTile | undefined>>();
  /** Complete-subtree hashes already computed: they never change once the tree has them. */
  private readonly nodes = new Map<string, Hash>();
  private latest?: { checkpoint: StoredCheckpoint; readAt: number };

  constructor(
    private readonly db: Db,
    private readonly maxCachedTiles = 4_096,
    private readonly maxCachedNodes = 65_536,
  ) {}

  /**
   * The latest checkpoint. Proofs may use one read up to LATEST_CHECKPOINT_TTL_MS ago (a newer tree
   * is re-read the moment a caller names its size); `fresh` always asks the database.
   */
  async latestCheckpoint(opts: { fresh?: boolean } = {}): Promise<StoredCheckpoint | undefined> {
    if (!opts.fresh && this.latest && Date.now() - this.latest.readAt < LATEST_CHECKPOINT_TTL_MS) return this.latest.checkpoint;
    const checkpoint = await latestCheckpoint(this.db);
    if (checkpoint) this.latest = { checkpoint, readAt: Date.now() };
    return checkpoint;
  }

  /** Called after this process signed a checkpoint: the next read goes to the database. */
  forgetLatest(): void {
    this.latest = undefined;
  }

  /** The signed note of the latest checkpoint with the witness cosignature lines appended. */
  async cosignedCheckpoint(): Promise<StoredCheckpoint & { cosignedNote: string }> {
    const latest = await this.requireCheckpoint({ fresh: true });
    const lines = await cosignatureLines(this.db, latest.treeSize);
    return { ...latest, cosignedNote: latest.note + lines.map((l) => l + '\n').join('') };
  }

  /** The hashes of hash tile (level, index) at `width`; undefined when the log has not grown that far. */
  async hashTile(level: number, index: number, width: number): Promise<Uint8Array | undefined> {
    const key = `${level}/${index}`;
    let cached = this.tiles.get(key);
    if (cached) {
      // Refresh its place in the LRU order.
      this.tiles.delete(key);
      this.tiles.set(key, cached);
    }
    if (!cached || cached.width < width) {
      let load = this.loading.get(key);
      if (!load) {
        load = readTile(this.db, level, index).finally(() => this.loading.delete(key));
        this.loading.set(key, load);
      }
      let stored = await load;
      // A shared read may have started before the tree grew to this width: read once more.
      if (stored && stored.width < width) stored = await readTile(this.db, level, index);
      if (!stored) return undefined;
      cached = { width: stored.width, hashes: stored.hashes };
      this.remember(key, cached);
    }
    if (cached.width < width) return undefined;
    return cached.width === width ? cached.hashes : cached.hashes.subarray(0, width * 32);
  }

  /** An entry bundle (tlog-tiles): entries [index*256, index*256 + width); undefined beyond the log. */
  async entryBundle(index: number, width: number): Promise<Uint8Array | undefined> {
    const entries = await readEntries(this.db, index * TILE_WIDTH, width);
    if (entries.length !== width) return undefined;
    const encoder = new TextEncoder();
    return encodeEntryBundle(entries.map((e) => encoder.encode(e)));
  }

  /** Complete-subtree hashes of the tree of `treeSize`, read through the tile cache. */
  nodeReader(treeSize: number): NodeReader {
    const fromTiles = nodeReaderFromTiles(treeSize, async (t: TileRef) => {
      const hashes = await this.hashTile(t.level, t.index, t.width);
      if (!hashes) throw new Error(`tile ${t.level}/${t.index} of width ${t.width} is missing for tree size ${treeSize}`);
      return hashes;
    });
    // Nodes high in the tree are shared by most proofs and cost up to 255 hashes each to rebuild
    // from a tile; they are remembered (a node of a tree never changes as the tree grows).
    return async (refs) => {
      const out = new Array<Hash>(refs.length);
      const missing: number[] = [];
      refs.forEach((r, i) => {
        const known = r.level > 0 && (r.index + 1) * 2 ** r.level <= treeSize ? this.nodes.get(`${r.level}/${r.index}`) : undefined;
        if (known) out[i] = known;
        else missing.push(i);
      });
      if (missing.length > 0) {
        const read = await fromTiles(missing.map((i) => refs[i]!));
        missing.forEach((i, j) => {
          out[i] = read[j]!;
          if (refs[i]!.level > 0) this.rememberNode(`${refs[i]!.level}/${refs[i]!.index}`, read[j]!);
        });
      }
      return out;
    };
  }

  /** An inclusion proof of entry `index` (or of the entry with `leafHash`) in the tree of `treeSize` (default: the latest). */
  async inclusion(q: { index?: number; leafHash?: Uint8Array; treeSize?: number }): Promise<{
    index: number;
    treeSize: number;
    leafHash: Hash;
    proof: Hash[];
    checkpoint?: StoredCheckpoint;
  }> {
    const latest = await this.requireCheckpoint({ atLeast: q.treeSize });
    const treeSize = q.treeSize ?? latest.treeSize;
    assertPublished('treeSize', treeSize, latest.treeSize);
    let index = q.index;
    if (index === undefined) {
      if (!q.leafHash) throw new ValidationError([{ field: 'index', reason: 'give index or entryHash' }]);
      index = await indexOfLeafHash(this.db, q.leafHash);
      if (index === undefined) throw new NotFoundError('Log entry with this hash (it may not be sequenced yet)');
    }
    if (index >= treeSize) {
      throw new ValidationError([{ field: q.index === undefined ? 'entryHash' : 'index', reason: `entry ${index} is not in the tree of size ${treeSize}` }]);
    }
    const read = this.nodeReader(treeSize);
    const [leafHash] = await read([{ level: 0, index }]);
    const proof = await inclusionProof(index, treeSize, read);
    const checkpoint = treeSize === latest.treeSize ? latest : await checkpointOfSize(this.db, treeSize);
    return { index, treeSize, leafHash: leafHash!, proof, ...(checkpoint ? { checkpoint } : {}) };
  }

  /** A consistency proof from the tree of `from` to the tree of `to` (both at most the latest checkpoint). */
  async consistency(from: number, to: number): Promise<Hash[]> {
    const latest = await this.requireCheckpoint({ atLeast: to });
    assertPublished('to', to, latest.treeSize);
    if (from > to) throw new ValidationError([{ field: 'from', reason: `must be at most to (${to})` }]);
    // The empty tree is consistent with every tree, and a tree with itself: no proof needed.
    if (from === 0 || from === to) return [];
    return await consistencyProof(from, to, this.nodeReader(to));
  }

  /** The latest checkpoint; re-read when the cached one is older than a size the caller names. */
  private async requireCheckpoint(opts: { fresh?: boolean; atLeast?: number } = {}): Promise<StoredCheckpoint> {
    let latest = await this.latestCheckpoint({ fresh: opts.fresh });
    if (latest && opts.atLeast !== undefined && latest.treeSize < opts.atLeast) latest = await this.latestCheckpoint({ fresh: true });
    if (!latest) throw new NotFoundError('Checkpoint (the log has not signed one yet)');
    return latest;
  }

  private rememberNode(key: string, hash: Hash): void {
    // Insertion order is a fine eviction order here: high nodes are asked for again and again
    // and re-inserted after eviction; low ones are cheap to rebuild.
    this.nodes.set(key, hash);
    if (this.nodes.size > this.maxCachedNodes) this.nodes.delete(this.nodes.keys().next().value!);
  }

  private remember(key: string, tile: { width: number; hashes: Uint8Array }): void {
    this.tiles.delete(key);
    this.tiles.set(key, tile);
    if (this.tiles.size > this.maxCachedTiles) this.tiles.delete(this.tiles.keys().next().value!);
  }
}

/** How long proofs may rely on a checkpoint read before; the sequencer signs one about every second. */
const LATEST_CHECKPOINT_TTL_MS = 500;

function assertPublished(field: string, size: number, latest: number): void {
  if (size > latest) throw new ValidationError([{ field, reason: `is beyond the latest checkpoint (tree size ${latest})` }]);
}

const readers = new WeakMap<Db, LogReader>();

/** The process's reader (and tile cache) for this database. */
export function readerFor(db: Db): LogReader {
  let reader = readers.get(db);
  if (!reader) readers.set(db, (reader = new LogReader(db)));
  return reader;
}
