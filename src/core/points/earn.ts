import { z } from 'zod';
import type { ServiceContext } from '../../context.js';
import { ValidationError } from '../../errors.js';
import { assertStaff, loadMemberInScope } from '../auth/scope.js';
import { enqueueTierEvaluation } from '../tiers/enqueue.js';
import { parseInput } from '../validation.js';
import { addMonths, DAY_MS } from './calculations.js';
import { id, idempotencyKey, pointsAmount, reasonText, referenceText } from './input.js';
import { applyEntry, ledgerWrite } from './ledger.js';
import { pointsSettings } from './settings.js';
import { requestHash, type PointsEntryView } from './views.js';

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

/**
 * Credits points as a new lot: pending for `pendingDays` (program default otherwise), then
 * available until `expiresAt` (program default: `expiryMonths` after now; null: never).
 */
export async function earnPoints(ctx: ServiceContext, raw: EarnPointsInput): Promise<PointsEntryView> {
  const input = parseInput(earnInput, raw);
  assertStaff(ctx.actor);
  const { program, member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const settings = pointsSettings(program);
  const now = ctx.clock();
  const pendingDays = input.pendingDays ?? settings.pendingDays;
  const availableAt = new Date(now.getTime() + pendingDays * DAY_MS);
  const expiresAt =
    input.expiresAt !== undefined ? input.expiresAt : settings.expiryMonths === null ? null : addMonths(now, settings.expiryMonths);
  if (expiresAt && expiresAt.getTime() <= availableAt.getTime()) {
    throw new ValidationError([{ field: 'expiresAt', reason: 'must be after the points become available' }]);
  }
  const pending = pendingDays > 0;
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
  const entry = await ledgerWrite(ctx, {
    programId: program.id,
    memberId: member.id,
    idempotencyKey: input.idempotencyKey,
    requestHash: hash,
    run: (tx) =>
      applyEntry(tx.db, ctx.actor, now, {
        programId: program.id,
        memberId: member.id,
        kind: 'earn',
        amount: input.points,
        idempotencyKey: input.idempotencyKey,
        requestHash: hash,
        reason: input.reason,
        reference: input.reference,
        orderId: input.orderId,
        availableAt,
        expiresAt,
        newLot: { amount: input.points, availableAt, expiresAt, pending },
        account: { available: pending ? 0 : input.points, pending: pending ? input.points : 0, lifetimeEarned: input.points },
      }),
  });
  // Earned points can lift the member's tier; evaluated by a job once this write commits.
  await enqueueTierEvaluation(ctx, { programId: program.id, memberId: member.id, reason: input.reason });
  return entry;
}
