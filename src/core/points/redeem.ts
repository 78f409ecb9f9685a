import { z } from 'zod';
import type { ServiceContext } from '../../context.js';
import { UnprocessableError } from '../../errors.js';
import { assertStaff, loadMemberInScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';
import { allocate } from './calculations.js';
import { id, idempotencyKey, pointsAmount, reasonText, referenceText } from './input.js';
import { applyEntry, keyTaken, ledgerWrite, type AccountState } from './ledger.js';
import { lockSpendableLots } from './lots.js';
import { requestHash, type PointsEntryRow, type PointsEntryView } from './views.js';

const redeemInput = z.object({
  programId: id,
  memberId: id,
  points: pointsAmount,
  idempotencyKey,
  reason: reasonText.optional(),
  reference: referenceText.optional(),
});
export type RedeemPointsInput = z.input<typeof redeemInput>;

/**
 * Takes `points` from the member's spendable lots, soonest-expiring first, under the account lock
 * (shared by redeem and negative adjustments). Not enough points: 422 `insufficient_points`, and
 * the transaction rolls back so nothing is written.
 */
export async function drawPoints(
  tx: ServiceContext,
  op: { programId: string; memberId: string; kind: 'redeem' | 'adjust'; points: number; idempotencyKey: string; requestHash: string; reason?: string; reference?: string },
  account: AccountState,
): Promise<PointsEntryRow | null> {
  const now = tx.clock();
  const lots = await lockSpendableLots(tx.db, op.memberId, op.points, now);
  const { allocations, uncovered } = allocate(lots, op.points);
  if (uncovered > 0) {
    // A twin with the same key may have committed while we waited for the lock: replay it instead.
    if (await keyTaken(tx.db, op.programId, op.idempotencyKey)) return null;
    throw new UnprocessableError('insufficient_points', `The member has ${op.points - uncovered} spendable points; ${op.points} were requested.`, {
      spendable: op.points - uncovered,
      requested: op.points,
      available: account.available,
    });
  }
  return await applyEntry(tx.db, tx.actor, now, {
    programId: op.programId,
    memberId: op.memberId,
    kind: op.kind,
    amount: -op.points,
    idempotencyKey: op.idempotencyKey,
    requestHash: op.requestHash,
    reason: op.reason,
    reference: op.reference,
    lotChanges: allocations.map((a) => ({ lotId: a.lotId, delta: -a.amount })),
    account: { available: -op.points, pending: 0, lifetimeEarned: 0 },
  });
}

/** Spends points; the soonest-expiring available lots go first, never-expiring ones last. */
export async function redeemPoints(ctx: ServiceContext, raw: RedeemPointsInput): Promise<PointsEntryView> {
  const input = parseInput(redeemInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const hash = requestHash({ op: 'redeem', memberId: member.id, points: input.points, reason: input.reason, reference: input.reference });
  return await ledgerWrite(ctx, {
    programId: program.id,
    memberId: member.id,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    run: (tx, account) =>
      drawPoints(
        tx,
        { programId: program.id, memberId: member.id, kind: 'redeem', points: input.points, idempotencyKey: input.idempotencyKey, requestHash: hash, reason: input.reason, reference: input.reference },
        account,
      ),
  });
}
