import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client.js';
import { pointsEntries } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors.js';
import { recordAudit } from '../audit.js';
import { assertStaff, loadMemberInScope } from '../auth/scope.js';
import { parseInput } from '../validation.js';
import { allocate } from './calculations.js';
import { id, idempotencyKey, reasonText } from './input.js';
import { applyEntry, keyTaken, ledgerWrite, type EntryWrite } from './ledger.js';
import { claimedFromEarn, lockAllocationsOf, lockLotOfEntry, lockSpendableLots } from './lots.js';
import { requestHash, type PointsEntryRow, type PointsEntryView } from './views.js';

const reverseInput = z.object({ programId: id, entryId: id, idempotencyKey, reason: reasonText });
export type ReverseEntryInput = z.input<typeof reverseInput>;

/** The lot changes and account deltas that take `target` points back from an earn (or positive adjustment). */
export async function planEarnClawback(
  tx: ServiceContext,
  earn: PointsEntryRow,
  target: number,
  opts: { fromOtherLots: boolean },
): Promise<Pick<EntryWrite, 'amount' | 'shortfall' | 'lotChanges' | 'account'>> {
  const lot = await lockLotOfEntry(tx.db, earn.id);
  const fromLot = lot && lot.state !== 'closed' ? Math.min(target, lot.remaining) : 0;
  const lotChanges = fromLot > 0 ? [{ lotId: lot!.id, delta: -fromLot }] : [];
  let available = lot?.state === 'available' ? -fromLot : 0;
  const pending = lot?.state === 'pending' ? -fromLot : 0;
  let drawn = fromLot;
  if (opts.fromOtherLots && drawn < target) {
    // The order's own points were spent: take the rest from whatever else is spendable, never below zero.
    const others = await lockSpendableLots(tx.db, earn.memberId, target - drawn, tx.clock(), lot?.id);
    const { allocations } = allocate(others, target - drawn);
    for (const a of allocations) {
      lotChanges.push({ lotId: a.lotId, delta: -a.amount });
      available -= a.amount;
      drawn += a.amount;
    }
  }
  return {
    amount: 0 - drawn,
    shortfall: target - drawn,
    lotChanges,
    account: { available, pending, lifetimeEarned: earn.kind === 'earn' ? -target : 0 },
  };
}

/** Puts a redemption's points back into the lots they came from; lots already expired keep nothing (shortfall). */
async function planRedeemRestore(tx: ServiceContext, spend: PointsEntryRow): Promise<Pick<EntryWrite, 'amount' | 'shortfall' | 'lotChanges' | 'account'>> {
  const now = tx.clock().getTime();
  const allocations = await lockAllocationsOf(tx.db, spend.id);
  let restored = 0;
  const lotChanges = [];
  for (const a of allocations) {
    if (a.expiresAt && a.expiresAt.getTime() <= now) continue;
    lotChanges.push({ lotId: a.id, delta: a.allocated });
    restored += a.allocated;
  }
  return { amount: restored, shortfall: -spend.amount - restored, lotChanges, account: { available: restored, pending: 0, lifetimeEarned: 0 } };
}

/**
 * Undoes an entry once. An earn (or positive adjustment) loses what is left of its lot — points
 * already spent are not taken from elsewhere; that part is recorded as `shortfall`. A redemption
 * (or negative adjustment) gets its points back in the lots they came from.
 */
export async function reverseEntry(ctx: ServiceContext, raw: ReverseEntryInput): Promise<PointsEntryView> {
  const input = parseInput(reverseInput, raw);
  assertStaff(ctx.actor);
  const [target] = await ctx.db
    .select()
    .from(pointsEntries)
    .where(and(eq(pointsEntries.id, input.entryId), eq(pointsEntries.programId, input.programId)));
  if (!target) throw new NotFoundError('Points entry', input.entryId);
  let scope;
  try {
    scope = await loadMemberInScope(ctx, input.programId, target.memberId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError('Points entry', input.entryId);
    throw err;
  }
  const { program } = scope;
  const hash = requestHash({ op: 'reverse', entryId: target.id, reason: input.reason });
  return await ledgerWrite(ctx, {
    programId: program.id,
    memberId: target.memberId,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    run: async (tx) => {
      if (target.kind === 'expire' || target.kind === 'reverse') {
        throw new UnprocessableError('unprocessable', `A ${target.kind} entry cannot be reversed.`, { reason: 'not_reversible' });
      }
      const [already] = await queryRows<{ id: string }>(
        tx.db,
        sql`select id from points_entries where reverses_entry_id = ${target.id} and kind = 'reverse' and order_id is null`,
      );
      // A twin with the same key may have committed while we waited for the lock: replay it instead.
      if (already && (await keyTaken(tx.db, program.id, input.idempotencyKey))) return null;
      if (already) throw new ConflictError('This entry was already reversed.', 'conflict', { reason: 'already_reversed', reversalEntryId: already.id });
      const plan =
        target.amount > 0
          ? await planEarnClawback(tx, target, target.amount - (await claimedFromEarn(tx.db, target.id)), { fromOtherLots: false })
          : await planRedeemRestore(tx, target);
      const written = await applyEntry(tx.db, tx.actor, tx.clock(), {
        ...plan,
        programId: program.id,
        memberId: target.memberId,
        kind: 'reverse',
        idempotencyKey: input.idempotencyKey,
        requestHash: hash,
        reason: input.reason,
        reversesEntryId: target.id,
      });
      if (written) {
        await recordAudit(tx, {
          tenantId: program.tenantId,
          programId: program.id,
          action: 'points.reverse',
          entityType: 'points_entry',
          entityId: written.id,
          after: { reversesEntryId: target.id, amount: written.amount, shortfall: written.shortfall, reason: input.reason },
        });
      }
      return written;
    },
  });
}
