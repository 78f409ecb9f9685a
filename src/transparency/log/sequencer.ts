import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { logCheckpoints } from '../../../db/schema/index.js';
import type { Clock } from '../../context.js';
import { formatCheckpoint } from '../checkpoint.js';
import { emptyRoot, type Hash } from '../merkle.js';
import { extendTiles } from '../tiles.js';
import type { LogKeys } from './keys.js';
import { readerFor } from './reader.js';
import { latestCheckpoint, rightEdgeTiles, toBytes, upsertTiles } from './storage.js';

/**
 * Held for the sequencer's transaction. Above 2^32, so no `hashtext(...)` key used for other
 * advisory locks can collide with it; every process sharing the database must use this value.
 */
export const SEQUENCER_LOCK_KEY = 7_372_000_000_001;
/** Outbox rows appended per transaction; a full batch means more may wait, so another runs at once. */
export const SEQUENCE_BATCH_SIZE = 10_000;
/** The `typ` of the checkpoint JWS. */
export const CHECKPOINT_JWS_TYP = 'trellis-checkpoint+jws';

export interface SequencerDeps {
  db: Db;
  clock: Clock;
  keys: LogKeys;
}

export interface SequenceOptions {
  batchSize?: number;
  /** Stop after this many batches even when more rows wait (boot: sign a first checkpoint, leave a backlog to the job). */
  maxBatches?: number;
  /** Test hook: runs after the checkpoint is written and before the commit; a throw rolls it all back. */
  beforeCommit?: () => void | Promise<void>;
}

export interface SequenceResult {
  /** Entries appended by this call (over all its batches). */
  appended: number;
  /** The tree size after the call (as this process saw it; 0 when another process held the lock). */
  treeSize: number;
  /** Checkpoints signed by this call. */
  checkpoints: number;
  /** True when another process was sequencing, so this call did nothing. */
  busy: boolean;
}

/**
 * Appends waiting outbox rows to the log, one transaction per batch: delete them from the outbox,
 * insert them into log_entries with consecutive indexes, grow the right edge of the hash tiles
 * and sign a checkpoint of the new tree. A crash anywhere rolls the batch back whole: the rows wait
 * in the outbox again and the next run appends them with no gap and no duplicate. Only one process
 * sequences at a time (an advisory transaction lock; the others return `busy`).
 */
export async function sequenceLog(deps: SequencerDeps, opts: SequenceOptions = {}): Promise<SequenceResult> {
  const batchSize = opts.batchSize ?? SEQUENCE_BATCH_SIZE;
  const total: SequenceResult = { appended: 0, treeSize: 0, checkpoints: 0, busy: false };
  // The first key of a new log is created here, outside the batch: a key born in a transaction
  // that then rolled back would sign checkpoints nobody can verify.
  await deps.keys.init();
  for (let batches = 1; ; batches++) {
    const batch = await sequenceBatch(deps, batchSize, opts.beforeCommit);
    if (batch.signed) readerFor(deps.db).forgetLatest();
    if (batch.busy) return { ...total, busy: total.checkpoints === 0 };
    total.appended += batch.appended;
    total.treeSize = batch.treeSize;
    if (batch.signed) total.checkpoints++;
    if (batch.appended < batchSize || batches === opts.maxBatches) return total;
  }
}

async function sequenceBatch(
  deps: SequencerDeps,
  batchSize: number,
  beforeCommit?: () => void | Promise<void>,
): Promise<{ busy: boolean; appended: number; treeSize: number; signed: boolean }> {
  return await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${SEQUENCER_LOCK_KEY}::bigint) as locked`);
    if (!lock?.locked) return { busy: true, appended: 0, treeSize: 0, signed: false };

    const latest = await latestCheckpoint(tx);
    const size = latest?.treeSize ?? 0;
    const now = deps.clock();
    const appendedRows = await queryRows<{ pos: number; leaf_hash: Uint8Array }>(
      tx,
      sql`with taken as (
            delete from log_outbox
            where id in (select id from log_outbox order by id limit ${batchSize}::int)
            returning id, entry, leaf_hash, type, tenant_id, program_id, partner_member_id, created_at
          )
          insert into log_entries (idx, outbox_id, entry, leaf_hash, type, tenant_id, program_id, partner_member_id, recorded_at, sequenced_at)
          select ${size}::bigint + row_number() over (order by id) - 1, id, entry, leaf_hash, type, tenant_id, program_id, partner_member_id, created_at, ${now.toISOString()}::timestamptz
          from taken
          returning (idx - ${size}::bigint)::int as pos, leaf_hash`,
    );
    if (appendedRows.length === 0 && latest) return { busy: false, appended: 0, treeSize: size, signed: false };

    // RETURNING does not promise an order; each row says where it went.
    const leaves = new Array<Hash>(appendedRows.length);
    for (const row of appendedRows) leaves[Number(row.pos)] = toBytes(row.leaf_hash);
    let root: Hash = latest?.rootHash ?? emptyRoot();
    let newSize = size;
    if (leaves.length > 0) {
      const edge = await rightEdgeTiles(tx, size);
      const grown = extendTiles(size, edge, leaves);
      await upsertTiles(tx, grown.tiles);
      root = grown.root;
      newSize = grown.size;
    }
    await insertCheckpoint(tx, deps, newSize, root, now);
    await beforeCommit?.();
    return { busy: false, appended: leaves.length, treeSize: newSize, signed: true };
  });
}

/**
 * Signs the checkpoint of a tree (note and JWS) with the key active in this transaction, the note
 * also with keys retired within the overlap after a rotation, and stores it.
 */
async function insertCheckpoint(tx: Db, deps: SequencerDeps, treeSize: number, root: Hash, now: Date): Promise<void> {
  await deps.keys.refresh(tx);
  const body = formatCheckpoint({ origin: deps.keys.origin, size: treeSize, root, extensions: [] });
  const note = await deps.keys.signCheckpointNote(tx, body, now);
  const jws = await deps.keys.signJws(
    { origin: deps.keys.origin, size: treeSize, root: Buffer.from(root).toString('base64'), time: Math.floor(now.getTime() / 1000) },
    CHECKPOINT_JWS_TYP,
  );
  await tx.insert(logCheckpoints).values({ treeSize, rootHash: root, note, jws, keyId: await deps.keys.activeKeyId(), createdAt: now });
}
