import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import type { ServiceContext } from '../../context.js';
import { entryJson } from './entry-json.js';

/**
 * The door into the transparency log: entries are written to `log_outbox` in the transaction of
 * the business change they record, so nothing is logged that did not commit and nothing commits
 * unlogged. The sequencer (log/) later appends them to the Merkle tree in outbox order.
 */

export interface LogEntryInput {
  type: string;
  v: number;
  tenantId: string | null;
  programId: string | null;
  /** The affiliate/member the entry belongs to (their receipts list, their salt), else null. */
  partnerMemberId: string | null;
  /** No personal data: references are salted hashes (salts.ts). */
  body: Record<string, unknown>;
}

/** An entry ready for the outbox: its exact bytes (as text) and their RFC 9162 leaf hash. */
export interface PreparedLogEntry {
  type: string;
  tenantId: string | null;
  programId: string | null;
  partnerMemberId: string | null;
  entry: string;
  leafHash: Uint8Array;
}

/** merkle.ts's leafHash, without encoding the text first: the one-shot hash writes a string's UTF-8 itself. */
function leafHashOfText(entry: string): Uint8Array {
  const digest = hash('sha256', `\u0000${entry}`, 'buffer');
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** The entry bytes are canonicalJson({ type, v, ...body }) in UTF-8; pure, so a replay can rebuild them. */
export function prepareLogEntry(input: LogEntryInput): PreparedLogEntry {
  const entry = entryJson(input.type, input.v, input.body);
  return {
    type: input.type,
    tenantId: input.tenantId,
    programId: input.programId,
    partnerMemberId: input.partnerMemberId,
    entry,
    leafHash: leafHashOfText(entry),
  };
}

/** Hex of a hash, without copying it into a Buffer first. */
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** One outbox row as the JSON row sets of the statements below (and of the conversion hot paths) read it. */
export function outboxRow(p: PreparedLogEntry, ord: number) {
  return {
    ord,
    entry: p.entry,
    leaf_hash: hex(p.leafHash),
    type: p.type,
    tenant_id: p.tenantId,
    program_id: p.programId,
    partner_member_id: p.partnerMemberId,
  };
}

/**
 * The column list of `json_to_recordset` for outbox rows (outboxRow), for statements that insert
 * entries as one of their CTEs.
 */
export const OUTBOX_RECORD = `(ord int, entry text, leaf_hash text, type text, tenant_id text, program_id text, partner_member_id text)`;

/** Inserts the entries into log_outbox in the caller's transaction (ONE multi-row insert). */
export async function appendLogEntries(
  ctx: Pick<ServiceContext, 'db' | 'clock'>,
  entries: readonly LogEntryInput[],
): Promise<{ entry: string; leafHash: Uint8Array; recordedAt: Date }[]> {
  if (entries.length === 0) return [];
  const prepared = entries.map(prepareLogEntry);
  const recordedAt = ctx.clock();
  await insertPrepared(ctx, prepared, recordedAt);
  return prepared.map((p) => ({ entry: p.entry, leafHash: p.leafHash, recordedAt }));
}

/** appendLogEntries for entries already prepared. */
export async function insertPrepared(ctx: Pick<ServiceContext, 'db'>, prepared: readonly PreparedLogEntry[], recordedAt: Date): Promise<void> {
  if (prepared.length === 0) return;
  const rows = JSON.stringify(prepared.map(outboxRow));
  await queryRows(
    ctx.db,
    sql`insert into log_outbox (entry, leaf_hash, type, tenant_id, program_id, partner_member_id, created_at)
        select o.entry, decode(o.leaf_hash, 'hex'), o.type, o.tenant_id, o.program_id, o.partner_member_id, ${recordedAt.toISOString()}::timestamptz
        from json_to_recordset(${rows}::text::json) as o${sql.raw(OUTBOX_RECORD)}
        order by o.ord`,
  );
}
