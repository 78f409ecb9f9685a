import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client.js';
import { newId } from '../../../db/ids.js';
import type { ServiceContext } from '../../context.js';
import { UnprocessableError } from '../../errors.js';
import { actorId } from '../auth/actor.js';
import { assertStaff, loadMemberInScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';
import { id, idempotencyKey, pointsAmount, reasonText, referenceText } from './input.js';
import { actorType, entryFromJson, int8, replayOrConflict, ts, txt, type EntryJson } from './ledger.js';
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
 * nothing is written.
 */
export async function drawPoints(ctx: ServiceContext, op: DrawOp): Promise<{ entry: PointsEntryRow; created: boolean }> {
  const [row] = await queryRows<{ outcome: 'created' | 'existing' | 'insufficient'; entry: EntryJson | null; spendable: unknown; available: unknown }>(
    ctx.db,
    sql`select outcome, entry, spendable, available from points_draw(${newId('pte')}, ${op.programId}, ${op.memberId},
          ${op.kind}::points_entry_kind, ${int8(op.points)}, ${op.idempotencyKey}, ${op.requestHash}, ${txt(op.reason)},
          ${txt(op.reference)}, ${actorType(ctx.actor)}, ${txt(actorId(ctx.actor))}, ${ts(ctx.clock())})`,
  );
  if (row!.outcome === 'insufficient') {
    const spendable = Number(row!.spendable);
    throw new UnprocessableError('insufficient_points', `The member has ${spendable} spendable points; ${op.points} were requested.`, {
      spendable,
      requested: op.points,
      available: Number(row!.available),
    });
  }
  return { entry: entryFromJson(row!.entry!), created: row!.outcome === 'created' };
}

/** Spends points; the soonest-expiring available lots go first, never-expiring ones last. */
export async function redeemPoints(ctx: ServiceContext, raw: RedeemPointsInput): Promise<PointsEntryView> {
  const input = parseInput(redeemInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadMemberInScope(ctx, input.programId, input.memberId);
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
  return created ? entryView(entry) : replayOrConflict(entry, hash);
}
