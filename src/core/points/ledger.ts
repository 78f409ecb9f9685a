import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { newId } from '../../../db/ids.js';
import { pointsEntries } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError } from '../../errors.js';
import { actorId, type Actor } from '../auth/actor.js';
import { entryView, type PointsEntryKind, type PointsEntryRow, type PointsEntryView } from './views.js';

/**
 * The ledger's write path. Every write, atomically (in the caller's transaction when there is one):
 *   1. locks (creating lazily) the member's points_accounts row — the one lock that serialises a
 *      member's writes; lots are only ever locked after it, in spend order — and looks up the
 *      idempotency key with a fresh snapshot, so a twin that committed while we waited replays;
 *   2. reads what it needs (lots) and decides;
 *   3. writes the entry, its lot or allocations, the lot changes and the account deltas; the entry
 *      insert is `on conflict do nothing`, so a concurrent twin with the same key makes it a no-op
 *      and the winner is replayed instead.
 * The hot writes (earn, redeem, adjustments) do all three inside one PL/pgSQL function, one round
 * trip and one statement (db/migrations/0001_points_ledger_functions.sql); reversals, refunds and
 * the jobs run the steps from JS through `ledgerWrite`/`lockAccount` and `applyEntry`, on the same
 * lock and the same SQL helpers. Round trips are what the ledger's throughput is made of (bench/ledger.ts).
 */

export interface LotChange {
  lotId: string;
  /** Negative draws points from the lot, positive restores them. */
  delta: number;
}

/** An entry that changes existing lots (reversal, refund, expiry); lots are opened by `creditPoints`. */
export interface EntryWrite {
  programId: string;
  memberId: string;
  kind: PointsEntryKind;
  amount: number;
  shortfall?: number;
  idempotencyKey: string;
  requestHash: string;
  reason?: string | null;
  reference?: string | null;
  reversesEntryId?: string | null;
  orderId?: string | null;
  lotChanges?: LotChange[];
  account: { available: number; pending: number; lifetimeEarned: number };
}

export const ts = (d: Date | null | undefined) => (d ? sql`${d.toISOString()}::timestamptz` : sql`null::timestamptz`);
export const txt = (v: string | null | undefined) => sql`${v ?? null}::text`;
export const int8 = (v: number) => sql`${v}::int8`;

/** Step 1: locks the member's account row, creating it at zero. */
export async function lockAccount(db: Db, programId: string, memberId: string): Promise<void> {
  await queryRows(db, sql`select points_lock_account(${programId}, ${memberId})`);
}

/** A points_entries row as the ledger functions return it (`row_to_json`). */
export type EntryJson = Record<string, unknown>;

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

export function entryFromJson(j: EntryJson): PointsEntryRow {
  return {
    id: j.id as string,
    programId: j.program_id as string,
    memberId: j.member_id as string,
    kind: j.kind as PointsEntryKind,
    amount: Number(j.amount),
    shortfall: Number(j.shortfall),
    idempotencyKey: j.idempotency_key as string,
    requestHash: j.request_hash as string,
    reason: (j.reason as string | null) ?? null,
    reference: (j.reference as string | null) ?? null,
    reversesEntryId: (j.reverses_entry_id as string | null) ?? null,
    orderId: (j.order_id as string | null) ?? null,
    availableAt: date(j.available_at),
    expiresAt: date(j.expires_at),
    actorType: j.actor_type as string,
    actorId: (j.actor_id as string | null) ?? null,
    createdAt: date(j.created_at)!,
  };
}

/** Whether a key is already used (fresh read): a refusal such as 422 must not hide a replay. */
export async function keyTaken(db: Db, programId: string, idempotencyKey: string): Promise<boolean> {
  return (await findEntryByKey(db, programId, idempotencyKey)) !== undefined;
}

export async function findEntryByKey(db: Db, programId: string, idempotencyKey: string): Promise<PointsEntryRow | undefined> {
  const [row] = await db
    .select()
    .from(pointsEntries)
    .where(and(eq(pointsEntries.programId, programId), eq(pointsEntries.idempotencyKey, idempotencyKey)));
  return row;
}

/** The first result for a key, or 409 when the key was used for a different request. */
export function replayOrConflict(existing: PointsEntryRow, hash: string, reader: Actor): PointsEntryView {
  if (existing.requestHash !== hash) {
    throw new ConflictError('This idempotency key was already used for a different request.', 'idempotency_key_reused', {
      idempotencyKey: existing.idempotencyKey,
    });
  }
  return entryView(existing, reader);
}

/**
 * Step 3: writes the entry and everything that follows from it in one statement. Returns the row
 * as inserted, or null when the idempotency key already exists (nothing was changed then).
 */
export async function applyEntry(db: Db, actor: Actor, now: Date, w: EntryWrite): Promise<PointsEntryRow | null> {
  const entryId = newId('pte');
  const parts: SQL[] = [];
  parts.push(sql`e as (
    insert into points_entries (id, program_id, member_id, kind, amount, shortfall, idempotency_key, request_hash, reason, reference,
      reverses_entry_id, order_id, actor_type, actor_id, created_at)
    values (${entryId}, ${w.programId}, ${w.memberId}, ${w.kind}::points_entry_kind, ${int8(w.amount)}, ${int8(w.shortfall ?? 0)},
      ${w.idempotencyKey}, ${w.requestHash}, ${txt(w.reason)}, ${txt(w.reference)}, ${txt(w.reversesEntryId)}, ${txt(w.orderId)},
      ${actorType(actor)}, ${txt(actorId(actor))}, ${ts(now)})
    on conflict on constraint points_entries_program_idem_uq do nothing
    returning id)`);
  const changes = (w.lotChanges ?? []).filter((c) => c.delta !== 0);
  if (changes.length) {
    const values = sql.join(
      changes.map((c) => sql`(${c.lotId}::text, ${int8(c.delta)})`),
      sql`, `,
    );
    parts.push(sql`v (lot_id, delta) as (values ${values})`);
    parts.push(sql`a as (insert into points_allocations (entry_id, lot_id, amount) select e.id, v.lot_id, abs(v.delta) from e, v)`);
    parts.push(sql`c as (
      update points_lots set remaining = points_lots.remaining + v.delta, updated_at = ${ts(now)},
        state = case when points_lots.remaining + v.delta = 0 then 'closed'::points_lot_state
                     when points_lots.state = 'closed' then 'available'::points_lot_state
                     else points_lots.state end
      from v where points_lots.id = v.lot_id and exists (select 1 from e))`);
  }
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with ${sql.join(parts, sql`, `)}
      update points_accounts set available = available + ${int8(w.account.available)}, pending = pending + ${int8(w.account.pending)},
        lifetime_earned = greatest(0, lifetime_earned + ${int8(w.account.lifetimeEarned)}), updated_at = ${ts(now)}
      where member_id = ${w.memberId} and exists (select 1 from e)
      returning member_id`,
  );
  if (rows.length === 0) return null;
  return {
    id: entryId,
    programId: w.programId,
    memberId: w.memberId,
    kind: w.kind,
    amount: w.amount,
    shortfall: w.shortfall ?? 0,
    idempotencyKey: w.idempotencyKey,
    requestHash: w.requestHash,
    reason: w.reason ?? null,
    reference: w.reference ?? null,
    reversesEntryId: w.reversesEntryId ?? null,
    orderId: w.orderId ?? null,
    availableAt: null,
    expiresAt: null,
    actorType: actorType(actor),
    actorId: actorId(actor),
    createdAt: now,
  };
}

export function actorType(actor: Actor): string {
  return actor.kind === 'user' ? actor.role : actor.kind;
}

export interface LedgerWrite {
  programId: string;
  memberId: string;
  idempotencyKey: string;
  requestHash: string;
  /** Steps 2 and 3, run under the account lock; null means the key turned out to exist already. */
  run(tx: ServiceContext): Promise<PointsEntryRow | null>;
}

/**
 * The transaction around one ledger write, with the idempotency story: a key already used answers
 * with the first result (or 409 when the payload differs), also when a twin committed meanwhile.
 */
export async function ledgerWrite(ctx: ServiceContext, op: LedgerWrite): Promise<PointsEntryView> {
  return await withTransaction(ctx, async (tx) => {
    // The key is looked up (with a fresh snapshot) once the lock is held: the FROM runs first.
    const [row] = await queryRows<{ existing: EntryJson | null }>(
      tx.db,
      sql`select points_entry_by_key(${op.programId}, ${op.idempotencyKey}) as existing from points_lock_account(${op.programId}, ${op.memberId})`,
    );
    if (row!.existing) return replayOrConflict(entryFromJson(row!.existing), op.requestHash, tx.actor);
    const written = await op.run(tx);
    if (written) return entryView(written, tx.actor);
    const winner = await findEntryByKey(tx.db, op.programId, op.idempotencyKey);
    if (!winner) throw new Error('idempotency key conflict without a committed entry');
    return replayOrConflict(winner, op.requestHash, tx.actor);
  });
}
