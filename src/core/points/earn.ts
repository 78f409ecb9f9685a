import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client.js';
import { newId } from '../../../db/ids.js';
import type { ServiceContext } from '../../context.js';
import { ValidationError } from '../../errors.js';
import { assertStaff, loadLedgerScope } from '../auth/scope.js';
import { enqueueTierEvaluation } from '../tiers/enqueue.js';
import { parseInput } from '../validation.js';
import { addMonths, DAY_MS } from './calculations.js';
import { id, idempotencyKey, pointsAmount, reasonText, referenceText } from './input.js';
import { actorId } from '../auth/actor.js';
import { actorType, entryFromJson, int8, replayOrConflict, ts, txt, type EntryJson } from './ledger.js';
import { batchedAudit, submitLedgerWrite, type LedgerAudit } from './batch.js';
import { pointsSettings } from './settings.js';
import { entryView, requestHash, type PointsEntryRow, type PointsEntryView } from './views.js';

const earnInput = z.object({
  programId: id,
  memberId: id,
  points: pointsAmount,
  idempotencyKey,
  reason: reasonText.optional(),
  reference: referenceText.optional(),
  orderId: id.optional(),
  pendingDays: z.number().int().min(0).max(365).optional(),
  expiresAt: z.date().nullable().optional(),
});
export type EarnPointsInput = z.input<typeof earnInput>;

export interface CreditOp {
  programId: string;
  memberId: string;
  kind: 'earn' | 'adjust';
  points: number;
  idempotencyKey: string;
  requestHash: string;
  reason?: string;
  reference?: string;
  orderId?: string;
  availableAt: Date;
  expiresAt: Date | null;
  /** Pending until `availableAt`; otherwise available at once. */
  pending: boolean;
}

/**
 * Opens a lot for a positive entry (earn, positive adjustment) in one round trip: the account lock,
 * the idempotency check and every write happen in the `points_credit` function. Returns the new
 * entry (created at `now`, the instant its dates were derived from), or the one that already
 * holds the key (`created: false`). Inside a caller's transaction it joins it; standalone it goes
 * through the group commit (batch.ts). `audit`: the audit row of a created standalone entry.
 */
export async function creditPoints(
  ctx: ServiceContext,
  now: Date,
  op: CreditOp,
  audit?: LedgerAudit,
): Promise<{ entry: PointsEntryRow; created: boolean }> {
  const entryId = newId('pte');
  if (!ctx.afterCommit) {
    const { outcome, entry } = await submitLedgerWrite(ctx.db, {
      op: 'credit',
      entry_id: entryId,
      lot_id: newId('ptl'),
      program_id: op.programId,
      member_id: op.memberId,
      kind: op.kind,
      points: op.points,
      idempotency_key: op.idempotencyKey,
      request_hash: op.requestHash,
      reason: op.reason ?? null,
      reference: op.reference ?? null,
      order_id: op.orderId ?? null,
      available_at: op.availableAt.toISOString(),
      expires_at: op.expiresAt?.toISOString() ?? null,
      pending: op.pending,
      actor_type: actorType(ctx.actor),
      actor_id: actorId(ctx.actor),
      at: now.toISOString(),
      audit: audit && batchedAudit(ctx, audit),
    });
    return { entry: entryFromJson(entry!), created: outcome === 'created' };
  }
  const [row] = await queryRows<{ outcome: 'created' | 'existing'; entry: EntryJson }>(
    ctx.db,
    sql`select outcome, entry from points_credit(${entryId}, ${newId('ptl')}, ${op.programId}, ${op.memberId},
          ${op.kind}::points_entry_kind, ${int8(op.points)}, ${op.idempotencyKey}, ${op.requestHash}, ${txt(op.reason)},
          ${txt(op.reference)}, ${txt(op.orderId)}, ${ts(op.availableAt)}, ${ts(op.expiresAt)}, ${op.pending}::boolean,
          ${actorType(ctx.actor)}, ${txt(actorId(ctx.actor))}, ${ts(now)})`,
  );
  return { entry: entryFromJson(row!.entry), created: row!.outcome === 'created' };
}

/**
 * Credits points as a new lot: pending for `pendingDays` (program default otherwise), then
 * available until `expiresAt` (program default: `expiryMonths` after now; null: never).
 */
export async function earnPoints(ctx: ServiceContext, raw: EarnPointsInput): Promise<PointsEntryView> {
  const input = parseInput(earnInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadLedgerScope(ctx, input.programId, input.memberId);
  const settings = pointsSettings(program);
  const now = ctx.clock();
  const pendingDays = input.pendingDays ?? settings.pendingDays;
  const availableAt = new Date(now.getTime() + pendingDays * DAY_MS);
  const expiresAt =
    input.expiresAt !== undefined ? input.expiresAt : settings.expiryMonths === null ? null : addMonths(now, settings.expiryMonths);
  if (expiresAt && expiresAt.getTime() <= availableAt.getTime()) {
    throw new ValidationError([{ field: 'expiresAt', reason: 'must be after the points become available' }]);
  }
  const hash = requestHash({
    op: 'earn',
    memberId: member.id,
    points: input.points,
    reason: input.reason,
    reference: input.reference,
    orderId: input.orderId,
    pendingDays: input.pendingDays,
    expiresAt: input.expiresAt,
  });
  // One statement, atomic on its own; inside a caller's transaction it joins it.
  const { entry, created } = await creditPoints(ctx, now, {
    programId: program.id,
    memberId: member.id,
    kind: 'earn',
    points: input.points,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    reason: input.reason,
    reference: input.reference,
    orderId: input.orderId,
    availableAt,
    expiresAt,
    pending: pendingDays > 0,
  });
  const view = created ? entryView(entry, ctx.actor) : replayOrConflict(entry, hash, ctx.actor);
  // Earned points can lift the member's tier; evaluated by a job once this write commits.
  await enqueueTierEvaluation(ctx, { programId: program.id, memberId: member.id, reason: input.reason });
  return view;
}
