/**
 * C2SP tlog-tiles (tile height 8): tile and entry-bundle paths, which tiles a tree of a given
 * size has, and entry bundles. Hashing over tiles (proof reads, the sequencer's extension) is in
 * `tile-hashes.ts` and re-exported here.
 */

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** tlog-tiles allows levels 0..63; a tree of at most 2^53 leaves only ever uses 0..6. */
const MAX_TILE_LEVEL = 63;
const MAX_ENTRY_LENGTH = 0xffff;

/** A hash tile: `width` (1..256) hashes of tree level 8*level, starting at hash index*256. */
export interface TileRef {
  level: number;
  index: number;
  width: number;
}

export type ParsedTilePath = ({ kind: 'hash' } & TileRef) | { kind: 'entries'; index: number; width: number };

function assertIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`tile index must be a non-negative safe integer, got ${index}`);
}

function assertWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`tile width must be 1..${TILE_WIDTH}, got ${width}`);
}

/** N as zero-padded 3-digit elements, all but the last prefixed with `x`: 1234067 -> x001/x234/067. */
function encodeIndex(index: number): string {
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function widthSuffix(width: number): string {
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** "tile/<L>/<N>[.p/<W>]" without a leading slash. */
export function tilePath(t: TileRef): string {
  if (!Number.isInteger(t.level) || t.level < 0 || t.level > MAX_TILE_LEVEL) throw new RangeError(`tile level must be 0..${MAX_TILE_LEVEL}, got ${t.level}`);
  assertIndex(t.index);
  assertWidth(t.width);
  return `tile/${t.level}/${encodeIndex(t.index)}${widthSuffix(t.width)}`;
}

/** "tile/entries/<N>[.p/<W>]" without a leading slash. */
export function entriesPath(index: number, width: number): string {
  assertIndex(index);
  assertWidth(width);
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Parses N's path elements; only the one canonical spelling of each number is accepted. */
function parseIndex(elements: readonly string[]): number | null {
  if (elements.length === 0) return null;
  let index = 0;
  for (const [i, element] of elements.entries()) {
    const last = i === elements.length - 1;
    const digits = last ? element : element.startsWith('x') ? element.slice(1) : null;
    if (digits === null || !/^[0-9]{3}$/.test(digits)) return null;
    // "x000/001" spells 1 with a leading zero group: not canonical.
    if (i === 0 && !last && digits === '000') return null;
    index = index * 1000 + Number(digits);
  }
  return Number.isSafeInteger(index) ? index : null;
}

/** Strict tlog-tiles path parser ("tile/0/x001/234.p/7", "tile/entries/000"); null for anything else. */
export function parseTilePath(path: string): ParsedTilePath | null {
  const parts = path.split('/');
  if (parts.length < 3 || parts[0] !== 'tile') return null;
  let width = TILE_WIDTH;
  let indexParts = parts.slice(2);
  const last = indexParts[indexParts.length - 1]!;
  if (indexParts.length >= 2 && indexParts[indexParts.length - 2]!.endsWith('.p')) {
    if (!DECIMAL.test(last)) return null;
    width = Number(last);
    if (width < 1 || width >= TILE_WIDTH) return null;
    indexParts = indexParts.slice(0, -1);
    indexParts[indexParts.length - 1] = indexParts[indexParts.length - 1]!.slice(0, -2);
  }
  const index = parseIndex(indexParts);
  if (index === null) return null;
  if (parts[1] === 'entries') return { kind: 'entries', index, width };
  const levelText = parts[1]!;
  if (!DECIMAL.test(levelText)) return null;
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) return null;
  return { kind: 'hash', level, index, width };
}

/** How many hashes tile level `level` of a tree of `treeSize` has (complete subtrees of 256^level leaves). */
export function hashesAtTileLevel(treeSize: number, level: number): number {
  return Math.floor(treeSize / TILE_WIDTH ** level);
}

/** The tiles (hash tiles of every level, plus entry bundles) of a tree of this size. */
export function tilesOfTree(treeSize: number): { hash: TileRef[]; entries: { index: number; width: number }[] } {
  assertIndex(treeSize);
  const hash: TileRef[] = [];
  for (let level = 0; hashesAtTileLevel(treeSize, level) > 0; level++) {
    const count = hashesAtTileLevel(treeSize, level);
    const full = Math.floor(count / TILE_WIDTH);
    for (let index = 0; index < full; index++) hash.push({ level, index, width: TILE_WIDTH });
    if (count % TILE_WIDTH > 0) hash.push({ level, index: full, width: count % TILE_WIDTH });
  }
  const entries = hash.filter((t) => t.level === 0).map(({ index, width }) => ({ index, width }));
  return { hash, entries };
}

/** The partial tile of every level that has one (the right edge), lowest level first. */
export function rightEdgeOf(treeSize: number): TileRef[] {
  assertIndex(treeSize);
  const refs: TileRef[] = [];
  for (let level = 0; hashesAtTileLevel(treeSize, level) > 0; level++) {
    const count = hashesAtTileLevel(treeSize, level);
    if (count % TILE_WIDTH > 0) refs.push({ level, index: Math.floor(count / TILE_WIDTH), width: count % TILE_WIDTH });
  }
  return refs;
}

/** An entry bundle: each entry prefixed by its length as a big-endian uint16. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_LENGTH) throw new RangeError(`log entry of ${e.length} bytes does not fit an entry bundle (max ${MAX_ENTRY_LENGTH})`);
    total += 2 + e.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const e of entries) {
    out[at] = e.length >> 8;
    out[at + 1] = e.length & 0xff;
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** Splits an entry bundle; throws on a truncated one. */
export function decodeEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) throw new Error(`entry bundle is truncated at byte ${at}`);
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    if (at + 2 + length > bundle.length) throw new Error(`entry bundle is truncated at byte ${at}`);
    entries.push(bundle.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

export { extendTiles, nodeReaderFromTiles, rootOfEdge } from './tile-hashes.js';
