import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client.js';
import { newId } from '../../../db/ids.js';
import type { ServiceContext } from '../../context.js';
import { UnprocessableError } from '../../errors.js';
import { actorId } from '../auth/actor.js';
import { assertStaff, loadLedgerScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';
import { id, idempotencyKey, pointsAmount, reasonText, referenceText } from './input.js';
import { batchedAudit, submitLedgerWrite, type LedgerAudit, type WriteOutcome } from './batch.js';
import { actorType, entryFromJson, int8, replayOrConflict, ts, txt } from './ledger.js';
import { entryView, requestHash, type PointsEntryRow, type PointsEntryView } from './views.js';

const redeemInput = z.object({
  programId: id,
  memberId: id,
  points: pointsAmount,
  idempotencyKey,
  reason: reasonText.optional(),
  reference: referenceText.optional(),
});
export type RedeemPointsInput = z.input<typeof redeemInput>;

export interface DrawOp {
  programId: string;
  memberId: string;
  kind: 'redeem' | 'adjust';
  points: number;
  idempotencyKey: string;
  requestHash: string;
  reason?: string;
  reference?: string;
}

/**
 * Takes `points` from the member's spendable lots, soonest-expiring first (shared by redeem and
 * negative adjustments), in one round trip: the account lock, the idempotency check, the lot locks
 * and every write happen in the `points_draw` function. Returns the new entry, or the one that
 * already holds the key (`created: false`). Not enough points: 422 `insufficient_points`, and
 * nothing is written. Inside a caller's transaction it joins it; standalone it goes through the
 * group commit (batch.ts). `audit`: the audit row of a created standalone entry.
 */
export async function drawPoints(ctx: ServiceContext, op: DrawOp, audit?: LedgerAudit): Promise<{ entry: PointsEntryRow; created: boolean }> {
  const entryId = newId('pte');
  const now = ctx.clock();
  const row = !ctx.afterCommit
    ? await submitLedgerWrite(ctx.db, {
        op: 'draw',
        entry_id: entryId,
        program_id: op.programId,
        member_id: op.memberId,
        kind: op.kind,
        points: op.points,
        idempotency_key: op.idempotencyKey,
        request_hash: op.requestHash,
        reason: op.reason ?? null,
        reference: op.reference ?? null,
        actor_type: actorType(ctx.actor),
        actor_id: actorId(ctx.actor),
        at: now.toISOString(),
        audit: audit && batchedAudit(ctx, audit),
      })
    : (
        await queryRows<WriteOutcome>(
          ctx.db,
          sql`select outcome, entry, spendable, available from points_draw(${entryId}, ${op.programId}, ${op.memberId},
                ${op.kind}::points_entry_kind, ${int8(op.points)}, ${op.idempotencyKey}, ${op.requestHash}, ${txt(op.reason)},
                ${txt(op.reference)}, ${actorType(ctx.actor)}, ${txt(actorId(ctx.actor))}, ${ts(now)})`,
        )
      )[0]!;
  if (row.outcome === 'insufficient') {
    const spendable = Number(row.spendable);
    throw new UnprocessableError('insufficient_points', `The member has ${spendable} spendable points; ${op.points} were requested.`, {
      spendable,
      requested: op.points,
      available: Number(row.available),
    });
  }
  return { entry: entryFromJson(row.entry!), created: row.outcome === 'created' };
}

/** Spends points; the soonest-expiring available lots go first, never-expiring ones last. */
export async function redeemPoints(ctx: ServiceContext, raw: RedeemPointsInput): Promise<PointsEntryView> {
  const input = parseInput(redeemInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadLedgerScope(ctx, input.programId, input.memberId);
  const hash = requestHash({ op: 'redeem', memberId: member.id, points: input.points, reason: input.reason, reference: input.reference });
  const { entry, created } = await drawPoints(ctx, {
    programId: program.id,
    memberId: member.id,
    kind: 'redeem',
    points: input.points,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    reason: input.reason,
    reference: input.reference,
  });
  return created ? entryView(entry, ctx.actor) : replayOrConflict(entry, hash, ctx.actor);
}
