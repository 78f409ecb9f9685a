import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { newId } from '../../../db/ids.js';
import type { ServiceContext } from '../../context.js';
import { batcherPer, MicroBatcher } from '../micro-batcher.js';
import type { EntryJson } from './ledger.js';

/**
 * Group commit for standalone ledger writes (earn, redeem, adjustments outside a caller's
 * transaction). Per write, the commit and the statement around it cost PostgreSQL more than the
 * ledger logic itself, so writes that arrive while batches are in flight queue and go together in
 * the next one: one statement, one implicit transaction, one commit (`points_write_batch`,
 * db/migrations/0002_points_ledger_batch.sql). When nothing is in flight a write is sent at once,
 * so an idle ledger adds no latency; a batch that fails as a whole is re-run write by write. The batcher is per process and per database and holds nothing
 * that matters across processes: each batch is an ordinary atomic statement that locks members in
 * a fixed order. Writes inside a caller's transaction never come here: they must join it.
 */

/** One write as `points_write_batch` reads it (snake_case: the function's record columns). */
export interface BatchedWrite {
  op: 'credit' | 'draw';
  entry_id: string;
  lot_id?: string;
  program_id: string;
  member_id: string;
  kind: 'earn' | 'redeem' | 'adjust';
  points: number;
  idempotency_key: string;
  request_hash: string;
  reason: string | null;
  reference: string | null;
  order_id?: string | null;
  available_at?: string | null;
  expires_at?: string | null;
  pending?: boolean;
  actor_type: string;
  actor_id: string | null;
  /** The instant the write's dates were derived from; the entry's created_at. */
  at: string;
  /** The audit row to append when the entry is created (adjustments). */
  audit?: { id: string; tenant_id: string; action: string; after: unknown; request_id: string | null };
}

/** The audit row a standalone write appends, in its own statement, when it creates its entry. */
export interface LedgerAudit {
  tenantId: string;
  action: string;
  after: unknown;
}

export function batchedAudit(ctx: ServiceContext, audit: LedgerAudit): NonNullable<BatchedWrite['audit']> {
  return { id: newId('aud'), tenant_id: audit.tenantId, action: audit.action, after: audit.after, request_id: ctx.requestId ?? null };
}

/** What `points_credit` / `points_draw` answer for one write. */
export type WriteOutcome = {
  outcome: 'created' | 'existing' | 'insufficient';
  entry: EntryJson | null;
  spendable: unknown;
  available: unknown;
};

/** Enough to share one commit, few enough that a batch holds its members' locks only briefly. */
const MAX_BATCH = 64;
/** Two: the next batch executes while the previous one waits for its commit to reach the disk. */
const MAX_IN_FLIGHT = 2;

/** Runs writes as one statement; the function runs them in member order and echoes each one's position. */
async function runBatch(db: Db, writes: BatchedWrite[]): Promise<WriteOutcome[]> {
  const rows = await queryRows<WriteOutcome & { ord: number }>(
    db,
    sql`select ord, outcome, entry, spendable, available from points_write_batch(${JSON.stringify(writes.map((w, ord) => ({ ...w, ord })))}::jsonb)`,
  );
  const outcomes: WriteOutcome[] = [];
  for (const { ord, ...outcome } of rows) outcomes[ord] = outcome;
  if (outcomes.length !== writes.length || outcomes.includes(undefined as never)) throw new Error('points_write_batch lost a write');
  return outcomes;
}

const writeBatcher = batcherPer((db: Db) => new MicroBatcher((writes: BatchedWrite[]) => runBatch(db, writes), { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT }));

/** Runs a standalone write (no caller's transaction) in the database's next batch. */
export function submitLedgerWrite(db: Db, write: BatchedWrite): Promise<WriteOutcome> {
  return writeBatcher(db).submit(write);
}
