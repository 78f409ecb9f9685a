import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import { importChunks } from '../../../../db/schema/index.js';
import { PayloadTooLargeError } from '../../../errors.js';

/** Uploads are stored in pieces of about this size: big enough to be cheap, small enough to stream. */
export const CHUNK_BYTES = 1024 * 1024;
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

/**
 * Streams an upload into import_chunks, one row per ~1 MiB, never holding more than one piece.
 * Returns the byte count; throws PayloadTooLargeError past `maxBytes` (the caller cleans up).
 */
export async function storeImportChunks(
  db: Db,
  importId: string,
  body: AsyncIterable<Uint8Array>,
  maxBytes = MAX_IMPORT_BYTES,
): Promise<number> {
  let total = 0;
  let seq = 0;
  let parts: Uint8Array[] = [];
  let buffered = 0;
  const flush = async () => {
    if (!buffered) return;
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, buffered);
    parts = [];
    buffered = 0;
    await db.insert(importChunks).values({ importId, seq: seq++, bytes });
  };
  for await (const piece of body) {
    total += piece.byteLength;
    if (total > maxBytes) throw new PayloadTooLargeError(maxBytes);
    parts.push(piece);
    buffered += piece.byteLength;
    if (buffered >= CHUNK_BYTES) await flush();
  }
  await flush();
  return total;
}

/** Reads a stored upload back in order, one chunk per query, so any worker process can stream it. */
export async function* readImportChunks(db: Db, importId: string): AsyncGenerator<Uint8Array> {
  let seq = -1;
  for (;;) {
    const [chunk] = await db
      .select()
      .from(importChunks)
      .where(and(eq(importChunks.importId, importId), gt(importChunks.seq, seq)))
      .orderBy(importChunks.seq)
      .limit(1);
    if (!chunk) return;
    seq = chunk.seq;
    // postgres.js gives a Buffer, PGlite a Uint8Array; both are Uint8Arrays.
    yield chunk.bytes instanceof Uint8Array ? chunk.bytes : new Uint8Array(chunk.bytes as ArrayLike<number>);
  }
}

export async function deleteImportChunks(db: Db, importId: string): Promise<void> {
  await db.delete(importChunks).where(eq(importChunks.importId, importId));
}
