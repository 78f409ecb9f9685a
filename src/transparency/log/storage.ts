import { and, asc, desc, eq, gte, lt, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { logCheckpoints, logCosignatures, logEntries, logTiles } from '../../../db/schema/index.js';
import { rightEdgeOf, type TileRef } from '../tiles.js';

/** The log's tables, read and written the way the sequencer and the readers need them. */

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Uint8Array;
  note: string;
  jws: string;
  keyId: string;
  createdAt: Date;
}

export interface StoredTile {
  level: number;
  index: number;
  width: number;
  hashes: Uint8Array;
}

/** The newest checkpoint: its size is the current tree size. Undefined before the first one. */
export async function latestCheckpoint(db: Db): Promise<StoredCheckpoint | undefined> {
  const [row] = await db.select().from(logCheckpoints).orderBy(desc(logCheckpoints.treeSize)).limit(1);
  return row ? toCheckpoint(row) : undefined;
}

export async function checkpointOfSize(db: Db, treeSize: number): Promise<StoredCheckpoint | undefined> {
  const [row] = await db.select().from(logCheckpoints).where(eq(logCheckpoints.treeSize, treeSize));
  return row ? toCheckpoint(row) : undefined;
}

/**
 * The right edge of a tree of `treeSize`: the partial tile of every level that has one, by level
 * (the sequencer's input to extendTiles). Read by primary key, so it costs the same at any size.
 */
export async function rightEdgeTiles(db: Db, treeSize: number): Promise<Map<number, Uint8Array>> {
  const wanted = rightEdgeOf(treeSize);
  const edge = new Map<number, Uint8Array>();
  if (wanted.length === 0) return edge;
  const rows = await db
    .select()
    .from(logTiles)
    .where(or(...wanted.map((w) => and(eq(logTiles.level, w.level), eq(logTiles.idx, w.index)))));
  for (const row of rows) edge.set(row.level, toBytes(row.hashes));
  return edge;
}

/** Writes tiles that were created or grew (one statement); a full tile is never written again. */
export async function upsertTiles(db: Db, tiles: readonly (TileRef & { hashes: Uint8Array })[]): Promise<void> {
  if (tiles.length === 0) return;
  await db
    .insert(logTiles)
    .values(tiles.map((t) => ({ level: t.level, idx: t.index, width: t.width, hashes: t.hashes })))
    .onConflictDoUpdate({
      target: [logTiles.level, logTiles.idx],
      set: { width: sql`excluded.width`, hashes: sql`excluded.hashes` },
      // A tile only grows: a stale writer can never shrink one.
      setWhere: sql`${logTiles.width} < excluded.width`,
    });
}

/** The stored tile at (level, index): the widest version the log has written. */
export async function readTile(db: Db, level: number, index: number): Promise<StoredTile | undefined> {
  // Raw: on the proof path's cache misses the query builder's mapping was half the time of the read.
  const [row] = await queryRows<{ width: number; hashes: Uint8Array }>(
    db,
    sql`select width, hashes from log_tiles where level = ${level}::smallint and idx = ${index}::bigint`,
  );
  return row ? { level, index, width: Number(row.width), hashes: toBytes(row.hashes) } : undefined;
}

/** Entries [from, from + count) as their exact bytes (canonical JSON text), in index order. */
export async function readEntries(db: Db, from: number, count: number): Promise<string[]> {
  const rows = await db
    .select({ entry: logEntries.entry })
    .from(logEntries)
    .where(and(gte(logEntries.idx, from), lt(logEntries.idx, from + count)))
    .orderBy(asc(logEntries.idx));
  return rows.map((r) => r.entry);
}

/** The first index whose leaf hash is `leafHash` (an entry may, in principle, be logged twice). */
export async function indexOfLeafHash(db: Db, leafHash: Uint8Array): Promise<number | undefined> {
  const [row] = await db.select({ idx: logEntries.idx }).from(logEntries).where(eq(logEntries.leafHash, leafHash)).orderBy(asc(logEntries.idx)).limit(1);
  return row?.idx;
}

/** Witness cosignature lines stored for the checkpoint of this size. */
export async function cosignatureLines(db: Db, treeSize: number): Promise<string[]> {
  const rows = await db
    .select({ line: logCosignatures.signatureLine })
    .from(logCosignatures)
    .where(eq(logCosignatures.treeSize, treeSize))
    .orderBy(asc(logCosignatures.witness));
  return rows.map((r) => r.line);
}

function toCheckpoint(row: typeof logCheckpoints.$inferSelect): StoredCheckpoint {
  return { treeSize: row.treeSize, rootHash: toBytes(row.rootHash), note: row.note, jws: row.jws, keyId: row.keyId, createdAt: row.createdAt };
}

/** Drivers hand bytea back as Buffer (postgres.js) or Uint8Array (PGlite); callers get a plain view. */
export function toBytes(value: Uint8Array): Uint8Array {
  return value instanceof Uint8Array && value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}
