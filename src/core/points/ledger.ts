import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { newId } from '../../../db/ids.js';
import { pointsEntries } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError } from '../../errors.js';
import { actorId, type Actor } from '../auth/actor.js';
import { entryView, type PointsEntryKind, type PointsEntryRow, type PointsEntryView } from './views.js';

/**
 * The ledger's write path. Every write, in one transaction:
 *   1. locks (creating lazily) the member's points_accounts row — the one lock that serialises a
 *      member's writes; lots are only ever locked after it, in spend order;
 *   2. reads what it needs (lots) and decides in JS;
 *   3. applies the entry, its lot or allocations, the lot changes and the account deltas in ONE
 *      statement, whose entry insert is `on conflict do nothing`: a concurrent twin with the same
 *      idempotency key makes it a no-op, and the caller replays the winner instead.
 * Few round trips per operation is what keeps the ledger fast under load (see bench/ledger.ts).
 */

export interface AccountState {
  available: number;
  pending: number;
  lifetimeEarned: number;
}

export interface LotChange {
  lotId: string;
  /** Negative draws points from the lot, positive restores them. */
  delta: number;
}

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
  availableAt?: Date | null;
  expiresAt?: Date | null;
  /** A positive entry that opens a lot (earn, positive adjustment). */
  newLot?: { amount: number; availableAt: Date; expiresAt: Date | null; pending: boolean };
  lotChanges?: LotChange[];
  account: { available: number; pending: number; lifetimeEarned: number };
}

const ts = (d: Date | null | undefined) => (d ? sql`${d.toISOString()}::timestamptz` : sql`null::timestamptz`);
const txt = (v: string | null | undefined) => sql`${v ?? null}::text`;
const int8 = (v: number) => sql`${v}::int8`;

/** Step 1: locks the member's account row (creating it at zero) and returns its balances. */
export async function lockAccount(db: Db, programId: string, memberId: string): Promise<AccountState> {
  const { account } = await lockAccountAndFindKey(db, programId, memberId, null);
  return account;
}

/**
 * Step 1 with the idempotency lookup in the same round trip. The lookup reads the statement's
 * snapshot, taken before any wait for the lock, so a twin that committed meanwhile can be missed
 * here; the entry insert (`on conflict do nothing`) and `keyTaken` catch that case later.
 */
async function lockAccountAndFindKey(
  db: Db,
  programId: string,
  memberId: string,
  idempotencyKey: string | null,
): Promise<{ account: AccountState; existingId: string | null }> {
  const [row] = await queryRows<{ available: unknown; pending: unknown; lifetime_earned: unknown; existing_id: string | null }>(
    db,
    sql`with acct as (
          insert into points_accounts (member_id, program_id) values (${memberId}, ${programId})
          on conflict (member_id) do update set updated_at = now()
          returning available, pending, lifetime_earned)
        select acct.*, ${
          idempotencyKey === null
            ? sql`null::text`
            : sql`(select id from points_entries where program_id = ${programId} and idempotency_key = ${idempotencyKey})`
        } as existing_id from acct`,
  );
  return {
    account: { available: Number(row!.available), pending: Number(row!.pending), lifetimeEarned: Number(row!.lifetime_earned) },
    existingId: row!.existing_id ?? null,
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
export function replayOrConflict(existing: PointsEntryRow, hash: string): PointsEntryView {
  if (existing.requestHash !== hash) {
    throw new ConflictError('This idempotency key was already used for a different request.', 'idempotency_key_reused', {
      idempotencyKey: existing.idempotencyKey,
    });
  }
  return entryView(existing);
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
      reverses_entry_id, order_id, available_at, expires_at, actor_type, actor_id, created_at)
    values (${entryId}, ${w.programId}, ${w.memberId}, ${w.kind}::points_entry_kind, ${int8(w.amount)}, ${int8(w.shortfall ?? 0)},
      ${w.idempotencyKey}, ${w.requestHash}, ${txt(w.reason)}, ${txt(w.reference)}, ${txt(w.reversesEntryId)}, ${txt(w.orderId)},
      ${ts(w.availableAt)}, ${ts(w.expiresAt)}, ${actorType(actor)}, ${txt(actorId(actor))}, ${ts(now)})
    on conflict on constraint points_entries_program_idem_uq do nothing
    returning id)`);
  if (w.newLot) {
    const lot = w.newLot;
    parts.push(sql`l as (
      insert into points_lots (id, program_id, member_id, entry_id, amount, remaining, available_at, expires_at, state, created_at, updated_at)
      select ${newId('ptl')}, ${w.programId}, ${w.memberId}, e.id, ${int8(lot.amount)}, ${int8(lot.amount)}, ${ts(lot.availableAt)},
        ${ts(lot.expiresAt)}, ${lot.pending ? 'pending' : 'available'}::points_lot_state, ${ts(now)}, ${ts(now)} from e)`);
  }
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
    availableAt: w.availableAt ?? null,
    expiresAt: w.expiresAt ?? null,
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
  run(tx: ServiceContext, account: AccountState): Promise<PointsEntryRow | null>;
}

/**
 * The transaction around one ledger write, with the idempotency story: a key already used answers
 * with the first result (or 409 when the payload differs), also when a twin committed meanwhile.
 */
export async function ledgerWrite(ctx: ServiceContext, op: LedgerWrite): Promise<PointsEntryView> {
  return await withTransaction(ctx, async (tx) => {
    const { account, existingId } = await lockAccountAndFindKey(tx.db, op.programId, op.memberId, op.idempotencyKey);
    if (existingId) {
      const existing = await findEntryByKey(tx.db, op.programId, op.idempotencyKey);
      return replayOrConflict(existing!, op.requestHash);
    }
    const written = await op.run(tx, account);
    if (written) return entryView(written);
    const winner = await findEntryByKey(tx.db, op.programId, op.idempotencyKey);
    if (!winner) throw new Error('idempotency key conflict without a committed entry');
    return replayOrConflict(winner, op.requestHash);
  });
}
